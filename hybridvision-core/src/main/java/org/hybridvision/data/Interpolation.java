package org.hybridvision.data;

/**
 * Resampling filters, with Pillow's definitions.
 *
 * <p>For resizing ({@link Resize}) Pillow uses separable convolution: the bilinear filter is the triangle
 * {@code 1 - |x|} on [-1, 1] and the bicubic filter is Keys' cubic with {@code a = -0.5} on [-2, 2], both widened by the
 * downscale factor when shrinking (antialiasing). For affine warps (rotation, shear, translation in
 * {@link RandAugment}) Pillow samples the 2x2 (bilinear) or 4x4 (bicubic, {@code a = -1}) neighbourhood without
 * widening; {@link Affine} reproduces that.
 */
public enum Interpolation {
    /** Pillow {@code Image.BILINEAR} (torchvision {@code InterpolationMode.BILINEAR}). */
    BILINEAR(1.0),
    /** Pillow {@code Image.BICUBIC} (torchvision {@code InterpolationMode.BICUBIC}). */
    BICUBIC(2.0);

    private final double support;

    Interpolation(double support) {
        this.support = support;
    }

    /** @return half-width of the resize filter at scale 1 */
    double support() {
        return support;
    }

    /**
     * The resize filter's weight at distance x.
     *
     * @param x distance in source pixels, already divided by the downscale factor
     * @return the unnormalised weight
     */
    double weight(double x) {
        if (x < 0.0) {
            x = -x;
        }
        if (this == BILINEAR) {
            return x < 1.0 ? 1.0 - x : 0.0;
        }
        final double a = -0.5;
        if (x < 1.0) {
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0.0;
    }

    /**
     * Parses "bilinear" or "bicubic" (any case).
     *
     * @param name the name
     * @return the interpolation
     * @throws org.hybridvision.HybridVisionException for any other name
     */
    public static Interpolation parse(String name) {
        switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "bilinear":
                return BILINEAR;
            case "bicubic":
                return BICUBIC;
            default:
                throw new org.hybridvision.HybridVisionException("Unknown interpolation '" + name
                        + "': use bilinear or bicubic.");
        }
    }
}
