package io.ocellus.pipeline.testutils;

import io.ocellus.pipeline.local.LocalFlink;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** A Flink MiniCluster for integration tests whose every endpoint binds to 127.0.0.1 only. */
public final class LoopbackMiniCluster {
    private LoopbackMiniCluster() {}

    /** One task manager with two slots, on loopback. */
    public static MiniClusterExtension extension() {
        Configuration config = LocalFlink.bindToLoopback(new Configuration());
        // Keep Flink's scratch files in the build folder rather than the system's /tmp.
        Path scratch = Path.of("target", "flink-tmp").toAbsolutePath();
        config.setString("io.tmp.dirs", scratch.toString());
        config.setString("web.upload.dir", scratch.resolve("web-upload").toString());
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setConfiguration(config)
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(2)
                        .build());
    }
}
