package io.ocellus.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The job jar holds the job and its two entry commands, not the tooling around it: no benchmark,
 * demo, soak or broker command, no in-process Kafka broker or its server classes, no full command
 * line, and neither Flink nor TensorFlow (the cluster provides them).
 */
class JobJarIT {
    @Test
    void holdsTheJobAndNotTheTooling() throws Exception {
        Path jar = Path.of(System.getProperty("ocellus.job.jar", "target/ocellus-job.jar"));
        try (JarFile file = new JarFile(jar.toFile())) {
            List<String> names = file.stream().map(ZipEntry::getName).toList();
            assertThat(names)
                    .contains(
                            "io/ocellus/pipeline/StreamJobMain.class",
                            "io/ocellus/pipeline/ReprocessJobMain.class",
                            "io/ocellus/pipeline/cli/JobCommands.class",
                            "io/ocellus/pipeline/cli/StreamCommand.class",
                            "io/ocellus/pipeline/kafka/StreamJob.class",
                            "io/ocellus/pipeline/archive/ReprocessRun.class");
            assertThat(names)
                    .noneMatch(
                            name ->
                                    name.matches(
                                            "io/ocellus/pipeline/cli/(Bench|Soak|Demo|Broker|OcellusCli).*"))
                    .noneMatch(
                            name ->
                                    name.matches(
                                            "io/ocellus/pipeline/kafka/(EmbeddedKafkaBroker|FrameClients).*"))
                    .noneMatch(name -> name.startsWith("kafka/server/"))
                    .noneMatch(name -> name.startsWith("org/tensorflow/"))
                    .noneMatch(name -> name.startsWith("org/apache/flink/streaming/api/"));
        }
    }
}
