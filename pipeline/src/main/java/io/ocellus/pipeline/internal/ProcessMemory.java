package io.ocellus.pipeline.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's memory as the OS sees it: native allocations (TensorFlow's) included. */
public final class ProcessMemory {
    private ProcessMemory() {}

    /** VmRSS from /proc in megabytes, or -1 where there is no /proc. */
    public static long residentMegabytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** Java heap the JVM has committed (taken from the OS), in megabytes. */
    public static long heapCommittedMegabytes() {
        return Runtime.getRuntime().totalMemory() >> 20;
    }

    /** Java heap in use, in megabytes. */
    public static long heapUsedMegabytes() {
        Runtime runtime = Runtime.getRuntime();
        return (runtime.totalMemory() - runtime.freeMemory()) >> 20;
    }
}
