package org.hybridvision.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

/**
 * Fully connected layer with PyTorch's layout: {@code y = x W^T + b}, {@code weight [out, in]}, {@code bias [out]}.
 * Initialised as in both official repositories: weight N(0, 0.02), bias 0.
 */
public final class Linear extends Module {
    private final Parameter weight;
    private final Parameter bias;
    private final int in;
    private final int out;

    /**
     * @param in input features
     * @param out output features
     * @param withBias whether to add a bias
     */
    public Linear(int in, int out, boolean withBias) {
        this.in = in;
        this.out = out;
        weight = parameter("weight", new Shape(out, in), Init.normal(0.02f));
        bias = withBias ? parameter("bias", new Shape(out), Init.ZEROS) : null;
    }

    /** @return input features */
    public int inFeatures() {
        return in;
    }

    /** @return output features */
    public int outFeatures() {
        return out;
    }

    /** Applies the layer over the last axis of {@code x [..., in]}. */
    public NDArray forward(Ctx ctx, NDArray x) {
        if (OpCounter.enabled()) {
            NDArray dry = OpCounter.linear(this, x, in, out);
            if (dry != null) {
                return dry;
            }
        }
        NDArray w = ctx.value(weight, x);
        NDArray b = bias == null ? null : ctx.value(bias, x);
        return ai.djl.nn.core.Linear.linear(x, w, b).singletonOrThrow();
    }

    @Override
    public NDList forward(Ctx ctx, NDList inputs) {
        return new NDList(forward(ctx, inputs.singletonOrThrow()));
    }
}
