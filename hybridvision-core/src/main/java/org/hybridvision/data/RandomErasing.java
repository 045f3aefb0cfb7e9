package org.hybridvision.data;

import java.util.random.RandomGenerator;

/**
 * timm's {@code RandomErasing} on a normalised CHW sample (reference recipe: probability 0.25, mode "pixel", count 1).
 *
 * <p>With probability {@code p} the sample gets {@code count} rectangles. For each, up to 10 attempts draw
 * {@code area = U(minArea, maxArea) * H * W / count} and {@code aspect = exp(U(log minAspect, log maxAspect))}, set
 * {@code h = round(sqrt(area * aspect))}, {@code w = round(sqrt(area / aspect))} and accept when {@code w < W} and
 * {@code h < H}; the accepted rectangle, at a uniform position, is overwritten in every channel with independent
 * {@code N(0, 1)} values ("pixel" mode; noise in normalised units).
 */
public final class RandomErasing implements TensorTransform {
    private final double p;
    private final double minArea;
    private final double maxArea;
    private final double logMinAspect;
    private final double logMaxAspect;
    private final int count;

    /** A rectangle that was erased, for tests and visualisation. */
    public record Box(int x, int y, int width, int height) {
    }

    /**
     * @param p probability of erasing anything
     * @param minArea smallest area fraction (0.02)
     * @param maxArea largest area fraction (1/3)
     * @param minAspect smallest aspect h/w (0.3); the largest is its inverse (3.33)
     * @param count rectangles per erased sample (1)
     */
    public RandomErasing(double p, double minArea, double maxArea, double minAspect, int count) {
        if (p < 0 || p > 1 || !(minArea > 0) || minArea > maxArea || !(minAspect > 0) || count < 1) {
            throw new IllegalArgumentException("invalid RandomErasing settings");
        }
        this.p = p;
        this.minArea = minArea;
        this.maxArea = maxArea;
        this.logMinAspect = Math.log(minAspect);
        this.logMaxAspect = Math.log(1.0 / minAspect);
        this.count = count;
    }

    /**
     * @param p probability of erasing
     * @return the reference settings (area 0.02-1/3, aspect 0.3-3.33, count 1) with the given probability
     */
    public static RandomErasing standard(double p) {
        return new RandomErasing(p, 0.02, 1.0 / 3.0, 0.3, 1);
    }

    @Override
    public void apply(float[] chw, int offset, int channels, int height, int width, RandomGenerator random) {
        erase(chw, offset, channels, height, width, random);
    }

    /**
     * Like {@link #apply} but reports the rectangles erased.
     *
     * @param chw the array
     * @param offset first value of the sample
     * @param channels C
     * @param height H
     * @param width W
     * @param random randomness
     * @return the erased rectangles (empty when the draw said no or no attempt fitted)
     */
    public java.util.List<Box> erase(float[] chw, int offset, int channels, int height, int width,
            RandomGenerator random) {
        java.util.List<Box> boxes = new java.util.ArrayList<>(count);
        if (random.nextDouble() > p) {
            return boxes;
        }
        double area = (double) height * width;
        for (int n = 0; n < count; n++) {
            for (int attempt = 0; attempt < 10; attempt++) {
                double target = RandomResizedCrop.uniform(random, minArea, maxArea) * area / count;
                double aspect = Math.exp(RandomResizedCrop.uniform(random, logMinAspect, logMaxAspect));
                int h = (int) Math.rint(Math.sqrt(target * aspect));
                int w = (int) Math.rint(Math.sqrt(target / aspect));
                if (w < width && h < height) {
                    int top = random.nextInt(height - h + 1);
                    int left = random.nextInt(width - w + 1);
                    for (int c = 0; c < channels; c++) {
                        int plane = offset + c * height * width;
                        for (int y = top; y < top + h; y++) {
                            int row = plane + y * width;
                            for (int x = left; x < left + w; x++) {
                                chw[row + x] = (float) random.nextGaussian();
                            }
                        }
                    }
                    boxes.add(new Box(left, top, w, h));
                    break;
                }
            }
        }
        return boxes;
    }

    @Override
    public String toString() {
        return "RandomErasing(p=" + p + ", pixel, count=" + count + ")";
    }
}
