package org.hybridvision.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's memory as the kernel counts it ({@code /proc/self/status}, Linux): what the JVM heap, DJL's native
 * tensors and libtorch's caches occupy together. Recorded per epoch in {@code metrics.csv}, so a run shows whether its
 * memory stays flat over thousands of steps.
 */
public final class ProcessMemory {
    private ProcessMemory() {}

    /** @return the resident set size in MB, or NaN where {@code /proc} is missing */
    public static double residentMb() {
        long kb = statusKb("VmRSS");
        return kb < 0 ? Double.NaN : kb / 1024.0;
    }

    /** @return the peak resident set size in MB, or NaN where {@code /proc} is missing */
    public static double peakResidentMb() {
        long kb = statusKb("VmHWM");
        return kb < 0 ? Double.NaN : kb / 1024.0;
    }

    /** @return a "kB" line of {@code /proc/self/status}, or -1 */
    static long statusKb(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key + ":")) {
                    return Long.parseLong(line.substring(key.length() + 1).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
