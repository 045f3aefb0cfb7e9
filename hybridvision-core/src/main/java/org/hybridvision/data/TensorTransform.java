package org.hybridvision.data;

import java.util.random.RandomGenerator;

/**
 * A step applied after normalisation, in place on one float32 CHW sample (for example {@link RandomErasing}).
 * Implementations must be thread-safe.
 */
@FunctionalInterface
public interface TensorTransform {
    /**
     * @param chw the array holding the sample
     * @param offset index of the sample's first value
     * @param channels C
     * @param height H
     * @param width W
     * @param random the source of randomness for this sample
     */
    void apply(float[] chw, int offset, int channels, int height, int width, RandomGenerator random);
}
