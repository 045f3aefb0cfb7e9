package org.hybridvision.cli;

/**
 * DJL settings applied before the engine loads: never download anything (the PyTorch natives come from the
 * {@code pytorch-native-cpu} jar), no telemetry, and the intra-op thread count.
 */
public final class Engines {
    private Engines() {}

    /** Forbids every DJL download and opts out of tracking (see djl-notes: offline settings). */
    public static void configureOffline() {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
    }

    /**
     * Sets libtorch's intra-op threads; must run before the engine is first used.
     *
     * @param threads thread count, or 0 for all available cores
     * @return the count in effect
     */
    public static int configureThreads(int threads) {
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(n));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        return n;
    }
}
