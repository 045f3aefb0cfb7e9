package org.hybridvision.data;

import java.util.random.RandomGenerator;

/**
 * Resizing with Pillow's convolution resampler, bit-exact with {@code PIL.Image.resize} on 8-bit images (and so with
 * torchvision's {@code Resize} on PIL images).
 *
 * <p>The algorithm (Pillow {@code libImaging/Resample.c}): the image is resampled horizontally, then vertically, each
 * pass a 1-D convolution. For output pixel {@code i} the source centre is {@code (i + 0.5) * scale} with
 * {@code scale = in / out}; the filter ({@link Interpolation}) is stretched by {@code max(scale, 1)} so that shrinking
 * averages over all covered pixels; taps falling outside the image are dropped and the remaining weights normalised
 * to sum 1; weights are then rounded to 22-bit fixed point, sums start at one half (rounding) and results are clamped
 * to 0..255. The intermediate image between the two passes is 8-bit, as in Pillow.
 *
 * <p>As an {@link ImageTransform} it implements torchvision's {@code Resize(int)}: the shorter side becomes
 * {@code size} and the longer side {@code int(size * long / short)} (truncated); or {@code Resize((h, w))}, an exact
 * output size.
 */
public final class Resize implements ImageTransform {
    private static final int PRECISION_BITS = 32 - 8 - 2;

    private final int size;
    private final int width;
    private final int height;
    private final Interpolation interpolation;

    private Resize(int size, int width, int height, Interpolation interpolation) {
        this.size = size;
        this.width = width;
        this.height = height;
        this.interpolation = interpolation;
    }

    /**
     * torchvision {@code Resize(size)}: scales so that the shorter side is {@code size}.
     *
     * @param size the new length of the shorter side
     * @param interpolation the filter
     * @return the transform
     */
    public static Resize shorterSide(int size, Interpolation interpolation) {
        if (size < 1) {
            throw new IllegalArgumentException("resize size must be positive, got " + size);
        }
        return new Resize(size, 0, 0, interpolation);
    }

    /**
     * torchvision {@code Resize((height, width))}: an exact output size (the aspect ratio may change).
     *
     * @param width output width
     * @param height output height
     * @param interpolation the filter
     * @return the transform
     */
    public static Resize to(int width, int height, Interpolation interpolation) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("resize size must be positive, got " + width + "x" + height);
        }
        return new Resize(0, width, height, interpolation);
    }

    @Override
    public ByteImage apply(ByteImage image, RandomGenerator random) {
        if (size > 0) {
            int[] wh = shorterSideSize(image.width(), image.height(), size);
            return resize(image, wh[0], wh[1], interpolation);
        }
        return resize(image, width, height, interpolation);
    }

    /**
     * torchvision's size rule for {@code Resize(int)}.
     *
     * @param w input width
     * @param h input height
     * @param size requested shorter side
     * @return {width, height} of the output
     */
    public static int[] shorterSideSize(int w, int h, int size) {
        if (w <= h) {
            return new int[] {size, (int) ((double) ((long) size * h) / w)};
        }
        return new int[] {(int) ((double) ((long) size * w) / h), size};
    }

    /**
     * Resizes to an exact size with Pillow's algorithm.
     *
     * @param src the image (1 or 3 channels)
     * @param outW output width
     * @param outH output height
     * @param interpolation the filter
     * @return the resized image (src itself when the size is unchanged)
     */
    public static ByteImage resize(ByteImage src, int outW, int outH, Interpolation interpolation) {
        int inW = src.width();
        int inH = src.height();
        if (outW == inW && outH == inH) {
            return src;
        }
        int c = src.channels();
        Coefficients horiz = coefficients(inW, outW, interpolation);
        Coefficients vert = coefficients(inH, outH, interpolation);

        byte[] cur = src.data();
        int curW = inW;
        int[] vBounds = vert.bounds;
        if (outW != inW) {
            // only the rows the vertical pass will read
            int yFirst = vert.bounds[0];
            int yLast = vert.bounds[(outH - 1) * 2] + vert.bounds[(outH - 1) * 2 + 1];
            if (outH == inH) {
                yFirst = 0;
                yLast = inH;
            }
            byte[] tmp = new byte[outW * (yLast - yFirst) * c];
            horizontal(cur, inW, c, yFirst, yLast, tmp, outW, horiz);
            cur = tmp;
            curW = outW;
            if (yFirst != 0) {
                vBounds = vBounds.clone();
                for (int i = 0; i < outH; i++) {
                    vBounds[i * 2] -= yFirst;
                }
            }
            if (outH == inH) {
                return new ByteImage(outW, outH, c, tmp);
            }
        }
        byte[] out = new byte[curW * outH * c];
        vertical(cur, curW, c, out, outH, vBounds, vert.ksize, vert.weights);
        return new ByteImage(curW, outH, c, out);
    }

    /** Fixed-point weights of one pass: for output i, taps start at bounds[2i], count bounds[2i+1]. */
    static final class Coefficients {
        final int ksize;
        final int[] bounds;
        final int[] weights;

        Coefficients(int ksize, int[] bounds, int[] weights) {
            this.ksize = ksize;
            this.bounds = bounds;
            this.weights = weights;
        }
    }

    /** Pillow's {@code precompute_coeffs} followed by {@code normalize_coeffs_8bpc}. */
    static Coefficients coefficients(int inSize, int outSize, Interpolation filter) {
        double scale = (double) inSize / outSize;
        double filterscale = Math.max(scale, 1.0);
        double support = filter.support() * filterscale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] bounds = new int[outSize * 2];
        int[] fixed = new int[outSize * ksize];
        double[] k = new double[ksize];
        double ss = 1.0 / filterscale;
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            int xmin = (int) (center - support + 0.5);
            if (xmin < 0) {
                xmin = 0;
            }
            int xmax = (int) (center + support + 0.5);
            if (xmax > inSize) {
                xmax = inSize;
            }
            xmax -= xmin;
            double ww = 0.0;
            for (int x = 0; x < xmax; x++) {
                double w = filter.weight((x + xmin - center + 0.5) * ss);
                k[x] = w;
                ww += w;
            }
            for (int x = 0; x < xmax; x++) {
                double v = ww != 0.0 ? k[x] / ww : k[x];
                fixed[xx * ksize + x] = v < 0 ? (int) (-0.5 + v * (1 << PRECISION_BITS))
                        : (int) (0.5 + v * (1 << PRECISION_BITS));
            }
            bounds[xx * 2] = xmin;
            bounds[xx * 2 + 1] = xmax;
        }
        return new Coefficients(ksize, bounds, fixed);
    }

    private static int clip8(int v) {
        v >>= PRECISION_BITS;
        return v < 0 ? 0 : (v > 255 ? 255 : v);
    }

    private static void horizontal(byte[] in, int inW, int c, int yFirst, int yLast, byte[] out, int outW,
            Coefficients co) {
        final int half = 1 << (PRECISION_BITS - 1);
        int ksize = co.ksize;
        int[] kk = co.weights;
        int[] bounds = co.bounds;
        for (int y = yFirst; y < yLast; y++) {
            int rowIn = y * inW * c;
            int rowOut = (y - yFirst) * outW * c;
            if (c == 3) {
                for (int xx = 0; xx < outW; xx++) {
                    int xmin = bounds[xx * 2];
                    int xmax = bounds[xx * 2 + 1];
                    int kOff = xx * ksize;
                    int s0 = half;
                    int s1 = half;
                    int s2 = half;
                    int p = rowIn + xmin * 3;
                    for (int x = 0; x < xmax; x++, p += 3) {
                        int w = kk[kOff + x];
                        s0 += (in[p] & 0xFF) * w;
                        s1 += (in[p + 1] & 0xFF) * w;
                        s2 += (in[p + 2] & 0xFF) * w;
                    }
                    int o = rowOut + xx * 3;
                    out[o] = (byte) clip8(s0);
                    out[o + 1] = (byte) clip8(s1);
                    out[o + 2] = (byte) clip8(s2);
                }
            } else {
                for (int xx = 0; xx < outW; xx++) {
                    int xmin = bounds[xx * 2];
                    int xmax = bounds[xx * 2 + 1];
                    int kOff = xx * ksize;
                    int s0 = half;
                    int p = rowIn + xmin;
                    for (int x = 0; x < xmax; x++, p++) {
                        s0 += (in[p] & 0xFF) * kk[kOff + x];
                    }
                    out[rowOut + xx] = (byte) clip8(s0);
                }
            }
        }
    }

    private static void vertical(byte[] in, int w, int c, byte[] out, int outH, int[] bounds, int ksize, int[] kk) {
        final int half = 1 << (PRECISION_BITS - 1);
        int rowLen = w * c;
        int[] acc = new int[rowLen];
        for (int yy = 0; yy < outH; yy++) {
            int ymin = bounds[yy * 2];
            int ymax = bounds[yy * 2 + 1];
            int kOff = yy * ksize;
            java.util.Arrays.fill(acc, half);
            // accumulate row by row: streams through memory instead of striding down columns
            for (int y = 0; y < ymax; y++) {
                int wgt = kk[kOff + y];
                int rowIn = (y + ymin) * rowLen;
                for (int i = 0; i < rowLen; i++) {
                    acc[i] += (in[rowIn + i] & 0xFF) * wgt;
                }
            }
            int rowOut = yy * rowLen;
            for (int i = 0; i < rowLen; i++) {
                out[rowOut + i] = (byte) clip8(acc[i]);
            }
        }
    }

    @Override
    public String toString() {
        return size > 0 ? "Resize(" + size + ", " + interpolation + ")"
                : "Resize(" + width + "x" + height + ", " + interpolation + ")";
    }
}
