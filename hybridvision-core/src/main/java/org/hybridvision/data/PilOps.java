package org.hybridvision.data;

/**
 * The colour operations behind {@link RandAugment}, each reproducing Pillow 9's result bit for bit on 8-bit grey or
 * RGB images ({@code ImageOps} and {@code ImageEnhance}). Every method returns a new image.
 *
 * <p>Per-channel look-up operations (auto-contrast, equalize, invert, posterize, solarize, solarize-add) build a
 * 256-entry table per channel and map the raster once. The enhancements blend with a "degenerate" image as
 * {@code Image.blend(degenerate, image, factor)} does, in float32: {@code out = deg + factor * (img - deg)}, truncated
 * (and clamped when {@code factor} is outside [0, 1]).
 */
public final class PilOps {
    private PilOps() {
    }

    private static ByteImage applyLut(ByteImage img, int[][] lut) {
        int c = img.channels();
        byte[] in = img.data();
        byte[] out = new byte[in.length];
        for (int k = 0; k < c; k++) {
            int[] t = lut[k];
            for (int i = k; i < in.length; i += c) {
                out[i] = (byte) t[in[i] & 0xFF];
            }
        }
        return new ByteImage(img.width(), img.height(), c, out);
    }

    private static int[][] histograms(ByteImage img) {
        int c = img.channels();
        int[][] h = new int[c][256];
        byte[] d = img.data();
        for (int i = 0; i < d.length; i += c) {
            for (int k = 0; k < c; k++) {
                h[k][d[i + k] & 0xFF]++;
            }
        }
        return h;
    }

    private static int[][] sameLut(int channels, int[] lut) {
        int[][] out = new int[channels][];
        for (int k = 0; k < channels; k++) {
            out[k] = lut;
        }
        return out;
    }

    /**
     * {@code ImageOps.autocontrast(img)}: per channel, stretches [min, max] to [0, 255].
     *
     * @param img the image
     * @return the stretched image
     */
    public static ByteImage autoContrast(ByteImage img) {
        int[][] hist = histograms(img);
        int[][] lut = new int[img.channels()][256];
        for (int k = 0; k < img.channels(); k++) {
            int[] h = hist[k];
            int lo = 0;
            while (lo < 255 && h[lo] == 0) {
                lo++;
            }
            int hi = 255;
            while (hi > 0 && h[hi] == 0) {
                hi--;
            }
            if (hi <= lo) {
                for (int i = 0; i < 256; i++) {
                    lut[k][i] = i;
                }
            } else {
                double scale = 255.0 / (hi - lo);
                double offset = -lo * scale;
                for (int i = 0; i < 256; i++) {
                    int v = (int) (i * scale + offset);
                    lut[k][i] = v < 0 ? 0 : Math.min(v, 255);
                }
            }
        }
        return applyLut(img, lut);
    }

    /**
     * {@code ImageOps.equalize(img)}: per-channel histogram equalisation.
     *
     * @param img the image
     * @return the equalised image
     */
    public static ByteImage equalize(ByteImage img) {
        int[][] hist = histograms(img);
        int[][] lut = new int[img.channels()][256];
        for (int k = 0; k < img.channels(); k++) {
            int[] h = hist[k];
            long total = 0;
            int last = 0;
            int nonZero = 0;
            for (int i = 0; i < 256; i++) {
                if (h[i] != 0) {
                    total += h[i];
                    last = h[i];
                    nonZero++;
                }
            }
            long step = nonZero <= 1 ? 0 : (total - last) / 255;
            if (step == 0) {
                for (int i = 0; i < 256; i++) {
                    lut[k][i] = i;
                }
            } else {
                long n = step / 2;
                for (int i = 0; i < 256; i++) {
                    lut[k][i] = (int) Math.min(255, n / step);
                    n += h[i];
                }
            }
        }
        return applyLut(img, lut);
    }

    /**
     * {@code ImageOps.invert(img)}: {@code 255 - v}.
     *
     * @param img the image
     * @return the negative
     */
    public static ByteImage invert(ByteImage img) {
        byte[] in = img.data();
        byte[] out = new byte[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = (byte) ~in[i];
        }
        return new ByteImage(img.width(), img.height(), img.channels(), out);
    }

    /**
     * {@code ImageOps.posterize(img, bits)}: keeps the {@code bits} most significant bits (0 gives black).
     *
     * @param img the image
     * @param bits 0..8
     * @return the posterized image
     */
    public static ByteImage posterize(ByteImage img, int bits) {
        if (bits >= 8) {
            return img;
        }
        int mask = ~((1 << (8 - Math.max(0, bits))) - 1);
        int[] lut = new int[256];
        for (int i = 0; i < 256; i++) {
            lut[i] = i & mask & 0xFF;
        }
        return applyLut(img, sameLut(img.channels(), lut));
    }

    /**
     * {@code ImageOps.solarize(img, threshold)}: inverts values {@code >= threshold}.
     *
     * @param img the image
     * @param threshold 0..256 (256 changes nothing)
     * @return the solarized image
     */
    public static ByteImage solarize(ByteImage img, int threshold) {
        int[] lut = new int[256];
        for (int i = 0; i < 256; i++) {
            lut[i] = i < threshold ? i : 255 - i;
        }
        return applyLut(img, sameLut(img.channels(), lut));
    }

    /**
     * timm's {@code solarize_add}: adds {@code add} (capped at 255) to values below {@code threshold}.
     *
     * @param img the image
     * @param add amount to add
     * @param threshold values at or above it are unchanged (timm uses 128)
     * @return the result
     */
    public static ByteImage solarizeAdd(ByteImage img, int add, int threshold) {
        int[] lut = new int[256];
        for (int i = 0; i < 256; i++) {
            lut[i] = i < threshold ? Math.min(255, i + add) : i;
        }
        return applyLut(img, sameLut(img.channels(), lut));
    }

    /**
     * {@code Image.blend(degenerate, img, factor)}, in float32 as Pillow computes it.
     *
     * @param degenerate the image at factor 0
     * @param img the image at factor 1
     * @param factor the blend factor (extrapolates outside [0, 1])
     * @return the blend
     */
    public static ByteImage blend(ByteImage degenerate, ByteImage img, double factor) {
        float alpha = (float) factor;
        byte[] a = degenerate.data();
        byte[] b = img.data();
        byte[] out = new byte[b.length];
        if (alpha >= 0 && alpha <= 1.0) {
            for (int i = 0; i < b.length; i++) {
                int p = a[i] & 0xFF;
                out[i] = (byte) (int) (p + alpha * ((b[i] & 0xFF) - p));
            }
        } else {
            for (int i = 0; i < b.length; i++) {
                int p = a[i] & 0xFF;
                float t = p + alpha * ((b[i] & 0xFF) - p);
                out[i] = (byte) (t <= 0.0f ? 0 : t >= 255.0f ? 255 : (int) t);
            }
        }
        return new ByteImage(img.width(), img.height(), img.channels(), out);
    }

    /**
     * {@code ImageEnhance.Color(img).enhance(factor)}: blends with the image's luma (no-op on grey images).
     *
     * @param img the image
     * @param factor 0 = grey, 1 = unchanged
     * @return the result
     */
    public static ByteImage color(ByteImage img, double factor) {
        if (img.channels() == 1) {
            return blend(img, img, factor);
        }
        return blend(img.toGrey().toRgb(), img, factor);
    }

    /**
     * {@code ImageEnhance.Contrast(img).enhance(factor)}: blends with a flat image at the mean luma (rounded).
     *
     * @param img the image
     * @param factor 0 = flat grey, 1 = unchanged
     * @return the result
     */
    public static ByteImage contrast(ByteImage img, double factor) {
        ByteImage grey = img.toGrey();
        long sum = 0;
        for (byte v : grey.data()) {
            sum += v & 0xFF;
        }
        int mean = (int) ((double) sum / grey.data().length + 0.5);
        byte[] flat = new byte[img.data().length];
        java.util.Arrays.fill(flat, (byte) mean);
        return blend(new ByteImage(img.width(), img.height(), img.channels(), flat), img, factor);
    }

    /**
     * {@code ImageEnhance.Brightness(img).enhance(factor)}: blends with black.
     *
     * @param img the image
     * @param factor 0 = black, 1 = unchanged
     * @return the result
     */
    public static ByteImage brightness(ByteImage img, double factor) {
        return blend(ByteImage.blank(img.width(), img.height(), img.channels()), img, factor);
    }

    /**
     * {@code ImageEnhance.Sharpness(img).enhance(factor)}: blends with {@link #smooth(ByteImage)}.
     *
     * @param img the image
     * @param factor 0 = smoothed, 1 = unchanged, 2 = sharpened
     * @return the result
     */
    public static ByteImage sharpness(ByteImage img, double factor) {
        return blend(smooth(img), img, factor);
    }

    /**
     * {@code img.filter(ImageFilter.SMOOTH)}: the 3x3 kernel [1 1 1; 1 5 1; 1 1 1] / 13 in float32 with rounding; the
     * one-pixel border is copied unchanged.
     *
     * @param img the image
     * @return the smoothed image
     */
    public static ByteImage smooth(ByteImage img) {
        int w = img.width();
        int h = img.height();
        int c = img.channels();
        byte[] in = img.data();
        byte[] out = in.clone();
        if (w < 3 || h < 3) {
            return new ByteImage(w, h, c, out);
        }
        final float k1 = 1f / 13f;
        final float k5 = 5f / 13f;
        int stride = w * c;
        for (int y = 1; y < h - 1; y++) {
            int r0 = (y + 1) * stride; // Pillow applies kernel row 0 to the row below
            int r1 = y * stride;
            int r2 = (y - 1) * stride;
            for (int x = 1; x < w - 1; x++) {
                for (int k = 0; k < c; k++) {
                    int i = x * c + k;
                    float ss = 0.5f;
                    ss += (in[r0 + i - c] & 0xFF) * k1 + (in[r0 + i] & 0xFF) * k1 + (in[r0 + i + c] & 0xFF) * k1;
                    ss += (in[r1 + i - c] & 0xFF) * k1 + (in[r1 + i] & 0xFF) * k5 + (in[r1 + i + c] & 0xFF) * k1;
                    ss += (in[r2 + i - c] & 0xFF) * k1 + (in[r2 + i] & 0xFF) * k1 + (in[r2 + i + c] & 0xFF) * k1;
                    out[r1 + i] = (byte) (ss <= 0f ? 0 : ss >= 255f ? 255 : (int) ss);
                }
            }
        }
        return new ByteImage(w, h, c, out);
    }
}
