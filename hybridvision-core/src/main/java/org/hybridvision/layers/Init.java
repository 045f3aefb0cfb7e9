package org.hybridvision.layers;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;

/**
 * The weight initialisations used by the official code of both families (spec A6 and B6). They matter only when
 * training from scratch; loading a checkpoint overwrites them. Random draws come from the engine's generator, seeded
 * with {@code Engine.getInstance().setRandomSeed}.
 */
public final class Init {
    private Init() {}

    /** All zeros. */
    public static final Initializer ZEROS = (m, s, t) -> m.zeros(s, t);
    /** All ones. */
    public static final Initializer ONES = (m, s, t) -> m.ones(s, t);
    /** An int64 zero, for {@code num_batches_tracked}. */
    public static final Initializer LONG_ZERO = (m, s, t) -> m.zeros(s, DataType.INT64);

    /** Normal(0, std). timm's {@code trunc_normal_(std=.02)} cuts at +-2 absolute, i.e. it is effectively this. */
    public static Initializer normal(float std) {
        return (m, s, t) -> m.randomNormal(0f, std, s, t);
    }

    /**
     * Kaiming normal, mode fan_out, ReLU gain: std = sqrt(2 / fan_out) with fan_out = shape[0] * kh * kw (PyTorch
     * does not divide by groups, so a depthwise conv gets fan_out = C * k * k).
     */
    public static final Initializer KAIMING_FAN_OUT = (m, s, t) -> m.randomNormal(0f,
            (float) Math.sqrt(2.0 / fanOut(s)), s, t);

    /** PyTorch's default conv/linear bias: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), given fan_in. */
    public static Initializer uniformFanIn(long fanIn) {
        float bound = (float) (1.0 / Math.sqrt(fanIn));
        return (m, s, t) -> m.randomUniform(-bound, bound, s, t);
    }

    private static long fanOut(Shape s) {
        long receptive = 1;
        for (int i = 2; i < s.dimension(); i++) {
            receptive *= s.get(i);
        }
        return s.get(0) * receptive;
    }
}
