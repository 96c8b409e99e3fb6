package io.ocellus.pipeline.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocationsCsvTest {
    @TempDir Path dir;

    @Test
    void readsHeaderColumnsByNameWithQuotesAndExtraColumns() throws Exception {
        Path csv =
                Files.writeString(
                        dir.resolve("places.csv"),
                        "id,latitude,longitude,file,note\n"
                                + "7,45.5,16.25,images/a.jpg,\"a, quoted \"\"note\"\"\"\n"
                                + "8,-33.9,151.2,b.jpg,\n");
        LocationsCsv places = LocationsCsv.read(csv);
        assertThat(places.rows()).hasSize(2);
        LocationsCsv.Row a = places.find("a.jpg");
        assertThat(a.latitude()).isEqualTo(45.5);
        assertThat(a.columns())
                .containsEntry("note", "a, quoted \"note\"")
                .containsEntry("id", "7");
        assertThat(places.find("/elsewhere/images/a.jpg")).isEqualTo(a);
        assertThat(places.find("zip!/b.jpg").longitude()).isEqualTo(151.2);
        assertThat(places.find("c.jpg")).isNull();
    }

    @Test
    void takesTheFirstThreeColumnsWithoutAHeaderAndNamesBadLines() throws Exception {
        Path plain = Files.writeString(dir.resolve("plain.csv"), "a.jpg,1.5,2.5\n");
        assertThat(LocationsCsv.read(plain).find("a.jpg").longitude()).isEqualTo(2.5);
        Path bad = Files.writeString(dir.resolve("bad.csv"), "a.jpg,1.5,2.5\nb.jpg,95,0\n");
        assertThatThrownBy(() -> LocationsCsv.read(bad)).hasMessageContaining("bad.csv:2");
        Path noColumn = Files.writeString(dir.resolve("h.csv"), "name,lat,lon\na,1,2\n");
        assertThatThrownBy(() -> LocationsCsv.read(noColumn))
                .hasMessageContaining("no column \"file\"");
    }
}
