package org.hybridvision.layers;

import ai.djl.pytorch.jni.JniUtils;

import java.util.function.Supplier;

/**
 * Runs inference code with libtorch's autograd recording switched off on the current thread.
 *
 * <p>libtorch's grad mode is thread-local and is <em>on</em> in every new thread; DJL switches it off only on the
 * thread that starts the engine. An eval forward on a worker thread would otherwise record an autograd graph for
 * every op (slower, and activations are kept alive until the outputs are freed).
 */
public final class NoGrad {
    private NoGrad() {}

    /** Evaluates {@code body} with grad mode off, restoring the previous mode afterwards. */
    public static <T> T run(Supplier<T> body) {
        boolean previous = JniUtils.isGradMode();
        if (previous) {
            JniUtils.setGradMode(false);
        }
        try {
            return body.get();
        } finally {
            if (previous) {
                JniUtils.setGradMode(true);
            }
        }
    }
}
