package io.ocellus.pipeline.report;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Screenshots of local pages through headless Chromium, run as a child process. */
public final class Screenshots {
    private static final List<String> NAMES =
            List.of("chromium", "chromium-browser", "google-chrome");

    private Screenshots() {}

    /**
     * The Chromium executable: $OCELLUS_CHROMIUM, else the first of the usual names on the PATH.
     */
    public static Path chromium() {
        String configured = System.getenv("OCELLUS_CHROMIUM");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String name : NAMES) {
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    /**
     * Renders {@code html} at {@code width} x {@code height} CSS pixels (device scale 1) into the
     * PNG file {@code png}.
     *
     * @throws IOException when Chromium is missing, fails or writes nothing
     */
    public static void capture(Path html, Path png, int width, int height)
            throws IOException, InterruptedException {
        Path chromium = chromium();
        if (chromium == null) {
            throw new IOException(
                    "no Chromium found (set OCELLUS_CHROMIUM, or install Debian's chromium package)");
        }
        Files.deleteIfExists(png);
        Path profile = Files.createTempDirectory("ocellus-chromium-");
        try {
            Process process =
                    new ProcessBuilder(
                                    chromium.toString(),
                                    "--headless",
                                    "--no-sandbox",
                                    "--disable-gpu",
                                    "--hide-scrollbars",
                                    "--no-first-run",
                                    "--user-data-dir=" + profile,
                                    "--force-device-scale-factor=1",
                                    "--window-size=" + width + "," + height,
                                    "--screenshot=" + png,
                                    html.toUri().toString())
                            .redirectErrorStream(true)
                            .redirectOutput(profile.resolve("chromium.log").toFile())
                            .start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IOException("Chromium took longer than 120 s to render " + html);
            }
            if (process.exitValue() != 0 || !Files.isRegularFile(png)) {
                throw new IOException(
                        "Chromium exited with "
                                + process.exitValue()
                                + " and no screenshot: "
                                + Files.readString(profile.resolve("chromium.log")));
            }
        } finally {
            io.ocellus.pipeline.internal.Directories.deleteRecursively(profile);
        }
    }
}
