package org.hybridvision.data;

import java.util.random.RandomGenerator;

/**
 * torchvision's / timm's {@code RandomResizedCrop}: a random rectangle covering {@code scale} of the image area with
 * aspect ratio drawn log-uniformly from {@code ratio}, resized to {@code size x size}.
 *
 * <p>Up to 10 attempts draw {@code area = U(scale) * W * H} and {@code aspect = exp(U(log ratio))}, set
 * {@code w = round(sqrt(area * aspect))}, {@code h = round(sqrt(area / aspect))} (half to even) and accept when both
 * fit, with a uniformly random position. If all fail, the fallback is the central crop with the aspect ratio clamped
 * to the range (the whole image when it is already in range). The crop is then resized with Pillow's resampler.
 */
public final class RandomResizedCrop implements ImageTransform {
    private final int size;
    private final double minScale;
    private final double maxScale;
    private final double minRatio;
    private final double maxRatio;
    private final Interpolation interpolation;

    /** A crop rectangle in source pixels. */
    public record Box(int x, int y, int width, int height) {
    }

    /**
     * @param size output side
     * @param minScale smallest area fraction (0.08)
     * @param maxScale largest area fraction (1.0)
     * @param minRatio smallest aspect ratio w/h (3/4)
     * @param maxRatio largest aspect ratio (4/3)
     * @param interpolation resize filter
     */
    public RandomResizedCrop(int size, double minScale, double maxScale, double minRatio, double maxRatio,
            Interpolation interpolation) {
        if (size < 1 || !(minScale > 0) || minScale > maxScale || !(minRatio > 0) || minRatio > maxRatio) {
            throw new IllegalArgumentException("invalid RandomResizedCrop settings");
        }
        this.size = size;
        this.minScale = minScale;
        this.maxScale = maxScale;
        this.minRatio = minRatio;
        this.maxRatio = maxRatio;
        this.interpolation = interpolation;
    }

    /**
     * @param size output side
     * @param interpolation resize filter
     * @return the standard crop: scale 0.08-1, ratio 3/4-4/3
     */
    public static RandomResizedCrop standard(int size, Interpolation interpolation) {
        return new RandomResizedCrop(size, 0.08, 1.0, 3.0 / 4.0, 4.0 / 3.0, interpolation);
    }

    @Override
    public ByteImage apply(ByteImage image, RandomGenerator random) {
        Box b = sample(image.width(), image.height(), random);
        return Resize.resize(image.crop(b.x(), b.y(), b.width(), b.height()), size, size, interpolation);
    }

    /**
     * Draws a crop rectangle ({@code get_params} in torchvision).
     *
     * @param width image width
     * @param height image height
     * @param random randomness
     * @return the rectangle, always inside the image
     */
    public Box sample(int width, int height, RandomGenerator random) {
        double area = (double) width * height;
        double logLo = Math.log(minRatio);
        double logHi = Math.log(maxRatio);
        for (int attempt = 0; attempt < 10; attempt++) {
            double targetArea = uniform(random, minScale, maxScale) * area;
            double aspect = Math.exp(uniform(random, logLo, logHi));
            int w = (int) Math.rint(Math.sqrt(targetArea * aspect));
            int h = (int) Math.rint(Math.sqrt(targetArea / aspect));
            if (w > 0 && h > 0 && w <= width && h <= height) {
                int y = random.nextInt(height - h + 1);
                int x = random.nextInt(width - w + 1);
                return new Box(x, y, w, h);
            }
        }
        double inRatio = (double) width / height;
        int w;
        int h;
        if (inRatio < minRatio) {
            w = width;
            h = (int) Math.rint(w / minRatio);
        } else if (inRatio > maxRatio) {
            h = height;
            w = (int) Math.rint(h * maxRatio);
        } else {
            w = width;
            h = height;
        }
        w = Math.max(1, Math.min(w, width));
        h = Math.max(1, Math.min(h, height));
        return new Box((width - w) / 2, (height - h) / 2, w, h);
    }

    static double uniform(RandomGenerator random, double lo, double hi) {
        return lo + (hi - lo) * random.nextDouble();
    }

    @Override
    public String toString() {
        return "RandomResizedCrop(" + size + ", scale=" + minScale + "-" + maxScale + ", ratio=" + minRatio + "-"
                + maxRatio + ", " + interpolation + ")";
    }
}
