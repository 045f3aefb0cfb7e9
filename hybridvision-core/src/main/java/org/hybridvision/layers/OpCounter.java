package org.hybridvision.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Hook through which {@link Conv2d}, {@link Linear} and {@link MultiHead#attend} report the multiply-accumulates of
 * every op they run while a {@link Sink} is installed on the current thread (used by
 * {@code org.hybridvision.eval.MacCounter}).
 *
 * <p>When nothing counts, a layer pays one read of a static volatile field per op ({@link #enabled()}), negligible
 * next to the JNI call of the op itself.
 *
 * <p>Conventions (those of the papers' "MACs" and of {@code torchprofile}): a convolution costs
 * {@code out_elements * (in_channels / groups) * k_h * k_w}, a linear layer {@code out_elements * in_features},
 * attention {@code B * heads * Nq * Nk * head_dim} for {@code Q K^T} plus {@code B * heads * Nq * Nk * head_dim_v}
 * for {@code softmax(.) V}; biases, normalisation, activations, pooling and softmax are not counted. Counts are
 * computed from the shapes, before the op runs.
 *
 * <p>In <em>dry-run</em> mode ({@link #install(Sink, boolean)}) the three ops are not computed at all: they return
 * zeros of the right shape, so a count over a large model costs only its cheap element-wise ops.
 */
public final class OpCounter {
    private OpCounter() {}

    /** Receives the ops of the thread it is installed on. */
    public interface Sink {
        /**
         * @param module the layer that ran the op ({@code null} for attention, which has no module of its own)
         * @param op {@code "conv"}, {@code "linear"} or {@code "attention"}
         * @param macs multiply-accumulates of this op
         */
        void add(Module module, String op, long macs);
    }

    private record State(Sink sink, boolean dryRun) {}

    private static final ThreadLocal<State> CURRENT = new ThreadLocal<>();
    private static volatile int installed;

    /** @return whether any thread is counting (the fast check the layers make before anything else) */
    public static boolean enabled() {
        return installed > 0;
    }

    /**
     * Installs {@code sink} on the current thread (ops are computed normally) until the handle is closed.
     *
     * @param sink the receiver of this thread's ops
     * @return closes the installation
     */
    public static Installation install(Sink sink) {
        return install(sink, false);
    }

    /**
     * Installs {@code sink} on the current thread until the returned handle is closed.
     *
     * @param sink the receiver of this thread's ops
     * @param dryRun skip the convolutions, linear layers and attention products, returning zeros of their shapes
     * @return closes the installation (restoring the thread's previous sink, if any)
     */
    public static Installation install(Sink sink, boolean dryRun) {
        State previous = CURRENT.get();
        CURRENT.set(new State(sink, dryRun));
        synchronized (OpCounter.class) {
            installed++;
        }
        return new Installation(previous);
    }

    /** Handle returned by {@link #install}; closing it stops counting on this thread. */
    public static final class Installation implements AutoCloseable {
        private final State previous;
        private boolean closed;

        private Installation(State previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
            synchronized (OpCounter.class) {
                installed--;
            }
        }
    }

    /** Counts a convolution; returns zeros of the output shape in dry-run mode, else null (run the op). */
    static NDArray conv2d(Module module, NDArray x, Shape weight, long stride, long padding) {
        State st = CURRENT.get();
        if (st == null) {
            return null;
        }
        long[] in = x.getShape().getShape();
        long[] w = weight.getShape();
        long oh = (in[2] + 2 * padding - w[2]) / stride + 1;
        long ow = (in[3] + 2 * padding - w[3]) / stride + 1;
        Shape out = new Shape(in[0], w[0], oh, ow);
        st.sink.add(module, "conv", out.size() * w[1] * w[2] * w[3]);
        return st.dryRun ? x.getManager().zeros(out, x.getDataType(), x.getDevice()) : null;
    }

    /** Counts a linear layer over the last axis; returns zeros in dry-run mode, else null. */
    static NDArray linear(Module module, NDArray x, long inFeatures, long outFeatures) {
        State st = CURRENT.get();
        if (st == null) {
            return null;
        }
        long[] s = x.getShape().getShape().clone();
        s[s.length - 1] = outFeatures;
        Shape out = new Shape(s);
        st.sink.add(module, "linear", out.size() * inFeatures);
        return st.dryRun ? x.getManager().zeros(out, x.getDataType(), x.getDevice()) : null;
    }

    /** Counts {@code softmax(Q K^T) V} on split heads; returns zeros in dry-run mode, else null. */
    static NDArray attention(NDArray q, NDArray k, NDArray v) {
        State st = CURRENT.get();
        if (st == null) {
            return null;
        }
        long[] qs = q.getShape().getShape();
        long nk = k.getShape().get(2);
        long hdv = v.getShape().get(3);
        st.sink.add(null, "attention", qs[0] * qs[1] * qs[2] * nk * (qs[3] + hdv));
        return st.dryRun ? q.getManager().zeros(new Shape(qs[0], qs[1], qs[2], hdv), q.getDataType(), q.getDevice())
                : null;
    }
}
