package org.hybridvision.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;

/**
 * 2-D convolution with PyTorch's parameter layout: {@code weight [out, in/groups, kH, kW]}, optional
 * {@code bias [out]}, symmetric zero padding.
 */
public final class Conv2d extends Module {
    private final Parameter weight;
    private final Parameter bias;
    private final Shape stride;
    private final Shape padding;
    private final Shape dilation = new Shape(1, 1);
    private final int groups;
    private final int outChannels;

    private Conv2d(Builder b) {
        this.stride = new Shape(b.stride, b.stride);
        this.padding = new Shape(b.padding, b.padding);
        this.groups = b.groups;
        this.outChannels = b.out;
        if (b.in % b.groups != 0 || b.out % b.groups != 0) {
            throw new IllegalArgumentException("channels " + b.in + "->" + b.out + " not divisible by groups " + b.groups);
        }
        weight = parameter("weight", new Shape(b.out, b.in / b.groups, b.kernel, b.kernel), b.weightInit);
        long fanIn = (long) (b.in / b.groups) * b.kernel * b.kernel;
        bias = b.bias ? parameter("bias", new Shape(b.out), b.biasInit != null ? b.biasInit : Init.uniformFanIn(fanIn))
                : null;
    }

    /**
     * @param in input channels
     * @param out output channels
     * @param kernel square kernel size
     * @return a builder (stride 1, padding 0, groups 1, no bias, Kaiming fan-out init)
     */
    public static Builder builder(int in, int out, int kernel) {
        return new Builder(in, out, kernel);
    }

    /** @return number of output channels */
    public int outChannels() {
        return outChannels;
    }

    /** Applies the convolution to {@code x [B, in, H, W]}. */
    public NDArray forward(Ctx ctx, NDArray x) {
        if (OpCounter.enabled()) {
            NDArray dry = OpCounter.conv2d(this, x, weight.getShape(), stride.get(0), padding.get(0));
            if (dry != null) {
                return dry;
            }
        }
        NDArray w = ctx.value(weight, x);
        NDArray b = bias == null ? null : ctx.value(bias, x);
        return ai.djl.nn.convolutional.Conv2d.conv2d(x, w, b, stride, padding, dilation, groups).singletonOrThrow();
    }

    @Override
    public NDList forward(Ctx ctx, NDList inputs) {
        return new NDList(forward(ctx, inputs.singletonOrThrow()));
    }

    /** Optional settings of a {@link Conv2d}. */
    public static final class Builder {
        private final int in;
        private final int out;
        private final int kernel;
        private int stride = 1;
        private int padding;
        private int groups = 1;
        private boolean bias;
        private Initializer weightInit = Init.KAIMING_FAN_OUT;
        private Initializer biasInit;

        private Builder(int in, int out, int kernel) {
            this.in = in;
            this.out = out;
            this.kernel = kernel;
        }

        /** Stride on both axes. */
        public Builder stride(int s) {
            stride = s;
            return this;
        }

        /** Zero padding on each side. */
        public Builder padding(int p) {
            padding = p;
            return this;
        }

        /** Channel groups ({@code groups == in} gives a depthwise conv). */
        public Builder groups(int g) {
            groups = g;
            return this;
        }

        /** Adds a bias, initialised as PyTorch's default (uniform in +-1/sqrt(fan_in)). */
        public Builder bias() {
            bias = true;
            return this;
        }

        /** Adds a bias with the given initialiser. */
        public Builder bias(Initializer init) {
            bias = true;
            biasInit = init;
            return this;
        }

        /** Weight initialiser (default Kaiming normal, fan-out). */
        public Builder weightInit(Initializer init) {
            weightInit = init;
            return this;
        }

        /** @return the convolution */
        public Conv2d build() {
            return new Conv2d(this);
        }
    }
}
