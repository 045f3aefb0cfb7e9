package org.hybridvision.data;

import java.util.random.RandomGenerator;

/**
 * Gamma and Beta sampling on a caller-supplied generator (so Mixup/CutMix draws are reproducible from the run seed).
 *
 * <p>Gamma uses Marsaglia and Tsang's squeeze method (2000) for shape &ge; 1 and the boost
 * {@code Gamma(a) = Gamma(a + 1) * U^(1/a)} for shape &lt; 1; Beta is {@code X / (X + Y)} with
 * {@code X ~ Gamma(a)}, {@code Y ~ Gamma(b)}.
 */
public final class Distributions {
    private Distributions() {
    }

    /**
     * @param random the generator
     * @param shape the shape k &gt; 0 (scale 1)
     * @return a Gamma(k, 1) sample
     */
    public static double gamma(RandomGenerator random, double shape) {
        if (!(shape > 0) || Double.isInfinite(shape)) {
            throw new IllegalArgumentException("gamma shape must be positive and finite, got " + shape);
        }
        if (shape < 1.0) {
            double u = random.nextDouble();
            return gamma(random, shape + 1.0) * Math.pow(u, 1.0 / shape);
        }
        double d = shape - 1.0 / 3.0;
        double c = 1.0 / Math.sqrt(9.0 * d);
        while (true) {
            double x;
            double v;
            do {
                x = random.nextGaussian();
                v = 1.0 + c * x;
            } while (v <= 0.0);
            v = v * v * v;
            double u = random.nextDouble();
            double x2 = x * x;
            if (u < 1.0 - 0.0331 * x2 * x2) {
                return d * v;
            }
            if (Math.log(u) < 0.5 * x2 + d * (1.0 - v + Math.log(v))) {
                return d * v;
            }
        }
    }

    /**
     * @param random the generator
     * @param a first shape &gt; 0
     * @param b second shape &gt; 0
     * @return a Beta(a, b) sample in [0, 1]
     */
    public static double beta(RandomGenerator random, double a, double b) {
        double x = gamma(random, a);
        double y = gamma(random, b);
        double s = x + y;
        if (s == 0.0) {
            // both underflowed (tiny shapes): the distribution is concentrated at the ends
            return random.nextDouble() < a / (a + b) ? 1.0 : 0.0;
        }
        return x / s;
    }
}
