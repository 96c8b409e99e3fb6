package io.ocellus.pipeline.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ocellus.models.inference.Outputs;
import io.ocellus.models.inference.Prediction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ocellus embed}: the pooled MobileNet embedding per image, one JSON line each. */
@Command(
        name = "embed",
        mixinStandardHelpOptions = true,
        description = {
            "Print the pooled MobileNet v1 embedding (1024 x alpha values) of each image as a JSON line:",
            "  {\"file\":...,\"model\":...,\"norm\":..,\"embedding\":[...]}. Exit code 1 if any image failed."
        })
public final class EmbedCommand extends ImageCommand {
    @Option(names = "--raw", description = "Do not L2-normalise the embedding.")
    boolean raw;

    @Override
    Outputs outputs() {
        return Outputs.embedding(!raw);
    }

    @Override
    void describe(Prediction prediction, ObjectNode line) {
        line.put("norm", prediction.embeddingNorm());
        line.put("normalized", !raw);
        ArrayNode values = line.putArray("embedding");
        for (float v : prediction.embedding()) {
            values.add(v);
        }
    }
}
