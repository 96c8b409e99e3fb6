package io.ocellus.pipeline.cli;

import io.ocellus.models.mobilenet.MobileNetV1Spec;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ocellus models}: the 16 released MobileNet v1 variants with their cost and size. */
@Command(
        name = "models",
        mixinStandardHelpOptions = true,
        description =
                "List the 16 released MobileNet v1 variants: million multiply-adds and parameters.")
public final class ModelsCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                Locale.ROOT,
                "%-22s %6s %10s %8s %8s%n",
                "model",
                "alpha",
                "resolution",
                "M MACs",
                "M params");
        for (MobileNetV1Spec variant : MobileNetV1Spec.released()) {
            out.printf(
                    Locale.ROOT,
                    "%-22s %6s %10d %8.1f %8.2f%n",
                    variant.id(),
                    variant.alphaLabel(),
                    variant.resolution(),
                    variant.macs() / 1e6,
                    variant.parameters() / 1e6);
        }
        out.flush();
    }
}
