package org.hybridvision.train;

/**
 * libtorch thread settings; call before the engine is first used.
 *
 * <p>OpenMP's wait policy decides what libtorch's worker threads do between two parallel operations, and on two
 * cores it matters more than anything else the code controls (measured with the main job's model, batch 128,
 * 2 threads, AMD EPYC, 2026-12): on an idle machine libgomp's default (spin for a while, then sleep) trains at
 * 316-327 images/s and {@code OMP_WAIT_POLICY=PASSIVE} (sleep at once) at 201; with another process busy on one core
 * the order turns: 102 against 155. So {@link #configure} (training: {@code train} and the main job, which expect
 * the cores to themselves) keeps libgomp's default, and {@link #passiveUnlessSet} (the short interactive commands,
 * often run beside other work) asks for PASSIVE. A policy the user exported is never overridden.
 */
public final class NativeThreads {
    private NativeThreads() {}

    /**
     * Thread settings of a training run: intra-op threads, one inter-op thread, OpenMP's default wait policy.
     *
     * @param threads intra-op threads, 0 for all cores
     * @return the count in effect
     */
    public static int configure(int threads) {
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(n));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        return n;
    }

    /** @return the wait policy in effect for libgomp: the exported one, or libgomp's default (spin, then sleep) */
    public static String waitPolicy() {
        String p = System.getenv("OMP_WAIT_POLICY");
        return p == null ? "default (spin, then sleep)" : p;
    }

    /**
     * Sets {@code OMP_WAIT_POLICY=PASSIVE} in the process environment (through libc, before libtorch loads) unless
     * it is already set.
     */
    public static void passiveUnlessSet() {
        if (System.getenv("OMP_WAIT_POLICY") == null) {
            try {
                com.sun.jna.NativeLibrary.getInstance("c").getFunction("setenv")
                        .invokeInt(new Object[] {"OMP_WAIT_POLICY", "PASSIVE", 1});
            } catch (RuntimeException | LinkageError e) {
                // not fatal: only slower under contention
            }
        }
    }
}
