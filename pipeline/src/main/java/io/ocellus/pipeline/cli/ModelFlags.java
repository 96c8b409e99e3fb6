package io.ocellus.pipeline.cli;

import io.ocellus.models.ModelException;
import io.ocellus.models.inference.InferenceEngine;
import io.ocellus.pipeline.config.ModelOptions;
import java.util.List;
import picocli.CommandLine.Command;

/** The flags of every command that runs a model ({@code ocellus.model.*}), label file included. */
@Command
public final class ModelFlags extends FlagGroup {
    @Override
    protected List<List<Flag>> flags() {
        return List.of(Flags.MODEL, Flags.LABELS);
    }

    /** Opens the engine these flags describe, warmed up on batches of {@code warmUp}. */
    public InferenceEngine open(List<Integer> warmUp) throws ModelException {
        return ModelOptions.open(configuration(), warmUp);
    }
}
