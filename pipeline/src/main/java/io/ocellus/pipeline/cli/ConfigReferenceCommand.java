package io.ocellus.pipeline.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Prints the configuration reference generated from the options classes. */
@Command(
        name = "config-reference",
        mixinStandardHelpOptions = true,
        description = "Print the configuration reference (Markdown) of every command's options.")
public final class ConfigReferenceCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(ConfigReference.markdown(spec.root().commandLine()));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
