package io.ocellus.pipeline.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLockTest {
    /** Holds the lock of a folder in a process of its own until killed. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            RunLock.acquire(new org.apache.flink.core.fs.Path(args[0]), args[1]);
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(5));
        }
    }

    @Test
    void aSecondRunIntoTheSameFolderIsRefusedWithTheFirstRunsName(@TempDir Path dir)
            throws Exception {
        org.apache.flink.core.fs.Path folder = new org.apache.flink.core.fs.Path(dir.toUri());
        try (RunLock first = RunLock.acquire(folder, "run-one")) {
            assertThatThrownBy(() -> RunLock.acquire(folder, "run-two"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is being written by another run")
                    .hasMessageContaining("run run-one, process " + ProcessHandle.current().pid());
        }
        RunLock.acquire(folder, "run-three").close(); // released on close
    }

    @Test
    void aRunKilledWithSigkillLeavesNoLockBehind(@TempDir Path dir) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process holder =
                new ProcessBuilder(
                                List.of(
                                        java,
                                        "-cp",
                                        System.getProperty("java.class.path"),
                                        Holder.class.getName(),
                                        dir.toString(),
                                        "run-killed"))
                        .redirectErrorStream(true)
                        .start();
        try {
            BufferedReader out =
                    new BufferedReader(
                            new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.equals("locked")) {
                // the holder's log lines
            }
            assertThat(line).isEqualTo("locked");
            org.apache.flink.core.fs.Path folder = new org.apache.flink.core.fs.Path(dir.toUri());
            assertThatThrownBy(() -> RunLock.acquire(folder, "run-two"))
                    .hasMessageContaining("run run-killed, process " + holder.pid());

            holder.destroyForcibly(); // SIGKILL
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
            RunLock.acquire(folder, "run-after").close();
        } finally {
            holder.destroyForcibly();
        }
    }
}
