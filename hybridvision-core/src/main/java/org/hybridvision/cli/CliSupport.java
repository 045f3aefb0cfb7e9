package org.hybridvision.cli;

import ai.djl.engine.Engine;
import org.hybridvision.progress.Progress;

import java.nio.file.Path;

/** Pieces shared by the inference commands ({@code predict}, {@code eval}, {@code bench}). */
final class CliSupport {
    private CliSupport() {}

    /** Exit status when the command finished but skipped some inputs (unreadable images). */
    static final int EXIT_SKIPPED = 1;

    /**
     * Sets libtorch's intra-op threads: through the engine properties when the engine has not started yet (the
     * normal case in a fresh JVM), and directly when it has (e.g. several commands run in one JVM by tests).
     *
     * @param threads requested count, 0 for all cores
     * @return the count in effect
     */
    static int applyThreads(int threads) {
        int n = Engines.configureThreads(threads);
        Engine engine = Engine.getInstance();
        if ("PyTorch".equals(engine.getEngineName())) {
            if (ai.djl.pytorch.jni.JniUtils.getNumThreads() != n) {
                ai.djl.pytorch.jni.JniUtils.setNumThreads(n);
            }
            return ai.djl.pytorch.jni.JniUtils.getNumThreads();
        }
        return n;
    }

    /** Tells the user that predictions come from an untrained model. */
    static void warnRandomWeights(Path weights) {
        if (weights == null) {
            System.err.println("warning: no --weights given: using RANDOM weights (no pretrained weights can be "
                    + "downloaded on this machine), so the classes below are meaningless. Pass --weights FILE "
                    + "(.pth from the official repositories, or .safetensors trained here).");
        }
    }

    /**
     * @param task name shown
     * @param total number of images
     * @param enabled false for no progress at all
     * @return the progress of {@code total} images on stderr (a bar on a terminal, plain lines otherwise)
     */
    static Progress progress(String task, long total, boolean enabled) {
        return Progress.of(task, total).unit("img").enabled(enabled).start();
    }

    /** @return the default decode thread count: one per core */
    static int defaultDecodeThreads() {
        return Runtime.getRuntime().availableProcessors();
    }
}
