package io.ocellus.pipeline.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ocellus.models.inference.Outputs;
import io.ocellus.models.inference.Prediction;
import io.ocellus.models.inference.ScoredLabel;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ocellus classify}: top-k ImageNet labels per image, one JSON line each. */
@Command(
        name = "classify",
        mixinStandardHelpOptions = true,
        description = {
            "Classify images with MobileNet v1; one JSON line per image:",
            "  {\"file\":...,\"model\":...,\"top\":[{\"index\":..,\"label\":..,\"score\":..}]}",
            "or {\"file\":...,\"error\":...} for a file that cannot be read. Exit code 1 if any failed."
        })
public final class ClassifyCommand extends ImageCommand {
    @Option(
            names = "--top",
            defaultValue = "5",
            description = "Labels per image. Default: ${DEFAULT-VALUE}.")
    int top;

    @Override
    Outputs outputs() {
        return Outputs.classes(top);
    }

    @Override
    void describe(Prediction prediction, ObjectNode line) {
        putTop(line, prediction.top());
    }

    /**
     * {@code "top": [{"index", "label", "score"}...]}, best first, as {@code classify} writes it.
     */
    static void putTop(ObjectNode line, List<ScoredLabel> top) {
        ArrayNode labels = line.putArray("top");
        for (ScoredLabel label : top) {
            labels.addObject()
                    .put("index", label.index())
                    .put("label", label.label())
                    .put("score", label.score());
        }
    }
}
