package org.hybridvision.data;

import java.util.SplittableRandom;

/**
 * Per-sample random generators derived from a run seed, so that augmentation is reproducible regardless of which
 * thread decodes which sample and in what order (an exact resume replays the same crops, flips and erasures).
 *
 * <p>The generator for (seed, epoch, index) is a {@link SplittableRandom} seeded with a SplitMix64-style hash of the
 * three numbers; different triples give statistically independent streams.
 */
public final class Seeds {
    private Seeds() {
    }

    /**
     * @param seed the run's seed
     * @param epoch the epoch (or any other stream discriminator)
     * @param index the sample's position in the epoch (or its dataset index)
     * @return a fresh generator for that sample
     */
    public static SplittableRandom forSample(long seed, long epoch, long index) {
        return new SplittableRandom(mix(mix(mix(seed) ^ epoch) ^ index));
    }

    /**
     * The SplitMix64 finaliser.
     *
     * @param z any long
     * @return a well-mixed long
     */
    public static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
