package io.ocellus.pipeline.cli;

import picocli.CommandLine.Option;

/** The options every command that runs a model shares, the label file among them. */
public final class ModelOptions extends ModelSettings {
    @Option(
            names = "--labels",
            paramLabel = "FILE",
            description =
                    "Label file, one per line (default: imagenet_labels.txt beside the model).")
    void labels(String file) {
        labels = file;
    }
}
