package org.hybridvision.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Stochastic depth on a residual branch (timm semantics): in training each sample's branch is kept with probability
 * {@code 1 - rate} and kept samples are divided by {@code 1 - rate}; at inference (or rate 0) it is the identity.
 */
public final class DropPath {
    private final float rate;

    /** @param rate probability of dropping a sample's branch */
    public DropPath(float rate) {
        if (rate < 0 || rate >= 1) {
            throw new IllegalArgumentException("drop-path rate must be in [0, 1), got " + rate);
        }
        this.rate = rate;
    }

    /** @return the drop probability */
    public float rate() {
        return rate;
    }

    /** Applies stochastic depth to the branch output {@code x [B, ...]}, with libtorch's global generator. */
    public NDArray apply(NDArray x, boolean training) {
        return apply(x, training, null);
    }

    /**
     * Applies stochastic depth to the branch output {@code x [B, ...]} in the pass of {@code ctx}: its random source
     * when it has one ({@link Module.Ctx#random()}), else libtorch's global generator.
     */
    public NDArray apply(NDArray x, Module.Ctx ctx) {
        return apply(x, ctx.training(), ctx.random());
    }

    private NDArray apply(NDArray x, boolean training, SplittableRandom random) {
        if (!training || rate == 0f) {
            return x;
        }
        long[] maskShape = new long[x.getShape().dimension()];
        Arrays.fill(maskShape, 1);
        maskShape[0] = x.getShape().get(0);
        float keep = 1f - rate;
        NDArray mask;
        if (random == null) {
            mask = x.getManager().randomUniform(0f, 1f, new Shape(maskShape), x.getDataType())
                    .lt(keep).toType(x.getDataType(), false).divi(keep);
        } else {
            float[] m = new float[(int) maskShape[0]];
            for (int i = 0; i < m.length; i++) {
                m[i] = random.nextFloat() < keep ? 1f / keep : 0f;
            }
            // a libtorch-owned copy: autograd keeps the mask for the backward pass, and an array made from a Java
            // buffer is only borrowed by libtorch (the trap of layers.Scalars): gradients turned nondeterministic
            try (NDArray borrowed = x.getManager().create(m, new Shape(maskShape))) {
                mask = borrowed.toType(x.getDataType(), true);
            }
        }
        return x.mul(mask);
    }
}
