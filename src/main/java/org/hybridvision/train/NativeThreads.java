package org.hybridvision.train;

/**
 * libtorch thread settings for training; call {@link #configure} before the engine is first used.
 *
 * <p>Besides the intra-op thread count it asks OpenMP to sleep rather than spin while waiting
 * ({@code OMP_WAIT_POLICY=PASSIVE}, set in the process environment through libc before libtorch loads). On a small
 * shared machine spinning OpenMP workers were measured to make training steps 5-20x slower whenever another process
 * used a core; passive waiting costs ~5% on an idle machine.
 */
public final class NativeThreads {
    private NativeThreads() {}

    /**
     * @param threads intra-op threads, 0 for all cores
     * @return the count in effect
     */
    public static int configure(int threads) {
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(n));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        if (System.getenv("OMP_WAIT_POLICY") == null) {
            try {
                com.sun.jna.NativeLibrary.getInstance("c").getFunction("setenv")
                        .invokeInt(new Object[] {"OMP_WAIT_POLICY", "PASSIVE", 1});
            } catch (RuntimeException | LinkageError e) {
                // not fatal: only slower under contention
            }
        }
        return n;
    }
}
