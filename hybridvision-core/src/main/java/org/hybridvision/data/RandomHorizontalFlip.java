package org.hybridvision.data;

import java.util.random.RandomGenerator;

/** Mirrors the image left-right with probability {@code p} (0.5 in the reference recipe). */
public final class RandomHorizontalFlip implements ImageTransform {
    private final double p;

    /** @param p flip probability in [0, 1] */
    public RandomHorizontalFlip(double p) {
        if (p < 0 || p > 1) {
            throw new IllegalArgumentException("flip probability must be in [0, 1], got " + p);
        }
        this.p = p;
    }

    @Override
    public ByteImage apply(ByteImage image, RandomGenerator random) {
        return random.nextDouble() < p ? image.flipHorizontal() : image;
    }

    @Override
    public String toString() {
        return "RandomHorizontalFlip(" + p + ")";
    }
}
