package org.hybridvision.data;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Affine warps with Pillow's semantics ({@code Image.transform(size, Image.AFFINE, (a, b, c, d, e, f), resample,
 * fillcolor)} and {@code Image.rotate}), used by the geometric {@link RandAugment} operations.
 *
 * <p>The six coefficients map each output pixel centre to an input position: {@code xin = a*(x+.5) + b*(y+.5) + c},
 * {@code yin = d*(x+.5) + e*(y+.5) + f}. Output pixels whose source position falls outside the image get the fill
 * colour. Inside, Pillow's bilinear (2x2) or bicubic (4x4, {@code a = -1}) sampler is applied with edge clamping, and
 * results are clamped and truncated to 8 bits, exactly as Pillow's {@code Geometry.c} does.
 */
public final class Affine {
    private Affine() {
    }

    /**
     * Pillow's {@code Image.transform(..., AFFINE, coeffs, resample, fillcolor)} at the image's own size.
     *
     * @param src the image
     * @param m the coefficients {a, b, c, d, e, f} (output to input)
     * @param interpolation BILINEAR or BICUBIC
     * @param fill fill colour, one value per channel of {@code src} (or 3 values for a grey image: the first is used)
     * @return the warped image
     */
    public static ByteImage transform(ByteImage src, double[] m, Interpolation interpolation, int[] fill) {
        int w = src.width();
        int h = src.height();
        int c = src.channels();
        byte[] in = src.data();
        byte[] out = new byte[in.length];
        double a0 = m[0];
        double a1 = m[1];
        double a2 = m[2];
        double a3 = m[3];
        double a4 = m[4];
        double a5 = m[5];
        boolean cubic = interpolation == Interpolation.BICUBIC;
        double[] rows = new double[4];
        for (int y = 0; y < h; y++) {
            double yc = y + 0.5;
            for (int x = 0; x < w; x++) {
                double xc = x + 0.5;
                double xin = a0 * xc + a1 * yc + a2;
                double yin = a3 * xc + a4 * yc + a5;
                int o = (y * w + x) * c;
                if (xin < 0.0 || xin >= w || yin < 0.0 || yin >= h) {
                    for (int k = 0; k < c; k++) {
                        out[o + k] = (byte) fill[k];
                    }
                    continue;
                }
                xin -= 0.5;
                yin -= 0.5;
                int xi = floor(xin);
                int yi = floor(yin);
                double dx = xin - xi;
                double dy = yin - yi;
                for (int k = 0; k < c; k++) {
                    double v;
                    if (cubic) {
                        v = bicubic(in, w, h, c, k, xi - 1, yi - 1, dx, dy, rows);
                    } else {
                        v = bilinear(in, w, h, c, k, xi, yi, dx, dy);
                    }
                    out[o + k] = (byte) (v <= 0.0 ? 0 : v >= 255.0 ? 255 : (int) v);
                }
            }
        }
        return new ByteImage(w, h, c, out);
    }

    /** Pillow's FLOOR macro: truncation for non-negative values, floor otherwise. */
    private static int floor(double v) {
        return v < 0.0 ? (int) Math.floor(v) : (int) v;
    }

    private static int clip(int v, int size) {
        return v < 0 ? 0 : v < size ? v : size - 1;
    }

    private static double bilinear(byte[] in, int w, int h, int c, int k, int x, int y, double dx, double dy) {
        int x0 = clip(x, w);
        int x1 = clip(x + 1, w);
        int row = clip(y, h) * w;
        double p0 = in[(row + x0) * c + k] & 0xFF;
        double p1 = in[(row + x1) * c + k] & 0xFF;
        double v1 = p0 + (p1 - p0) * dx;
        double v2;
        if (y + 1 >= 0 && y + 1 < h) {
            int row1 = (y + 1) * w;
            double q0 = in[(row1 + x0) * c + k] & 0xFF;
            double q1 = in[(row1 + x1) * c + k] & 0xFF;
            v2 = q0 + (q1 - q0) * dx;
        } else {
            v2 = v1;
        }
        return v1 + (v2 - v1) * dy;
    }

    private static double cubic(double v1, double v2, double v3, double v4, double d) {
        double p1 = v2;
        double p2 = -v1 + v3;
        double p3 = 2 * (v1 - v2) + v3 - v4;
        double p4 = -v1 + v2 - v3 + v4;
        return p1 + d * (p2 + d * (p3 + d * p4));
    }

    private static double bicubic(byte[] in, int w, int h, int c, int k, int x, int y, double dx, double dy,
            double[] rows) {
        int x0 = clip(x, w);
        int x1 = clip(x + 1, w);
        int x2 = clip(x + 2, w);
        int x3 = clip(x + 3, w);
        for (int j = 0; j < 4; j++) {
            int yy = y + j;
            if (j == 0) {
                yy = clip(yy, h);
            } else if (yy < 0 || yy >= h) {
                rows[j] = rows[j - 1];
                continue;
            }
            int row = yy * w;
            rows[j] = cubic(in[(row + x0) * c + k] & 0xFF, in[(row + x1) * c + k] & 0xFF,
                    in[(row + x2) * c + k] & 0xFF, in[(row + x3) * c + k] & 0xFF, dx);
        }
        return cubic(rows[0], rows[1], rows[2], rows[3], dy);
    }

    /**
     * Pillow's {@code Image.rotate(degrees, resample, fillcolor=fill)} (counter-clockwise, about the image centre, same
     * output size), including its exact fast paths for 0 and 180 degrees.
     *
     * @param src the image
     * @param degrees angle, counter-clockwise
     * @param interpolation BILINEAR or BICUBIC
     * @param fill fill colour per channel
     * @return the rotated image
     */
    public static ByteImage rotate(ByteImage src, double degrees, Interpolation interpolation, int[] fill) {
        double angle = degrees % 360.0;
        if (angle < 0) {
            angle += 360.0; // Python's modulo is never negative
        }
        if (angle == 0.0) {
            return src;
        }
        if (angle == 180.0) {
            return rotate180(src);
        }
        double w = src.width();
        double h = src.height();
        double cx = w / 2.0;
        double cy = h / 2.0;
        double rad = -Math.toRadians(angle);
        double[] m = {round15(Math.cos(rad)), round15(Math.sin(rad)), 0.0, round15(-Math.sin(rad)),
            round15(Math.cos(rad)), 0.0};
        double tx = m[0] * -cx + m[1] * -cy + m[2];
        double ty = m[3] * -cx + m[4] * -cy + m[5];
        m[2] = tx + cx;
        m[5] = ty + cy;
        return transform(src, m, interpolation, fill);
    }

    /** Python's {@code round(v, 15)}: correctly rounded to 15 decimals, half to even. */
    private static double round15(double v) {
        return new BigDecimal(v).setScale(15, RoundingMode.HALF_EVEN).doubleValue();
    }

    private static ByteImage rotate180(ByteImage src) {
        int c = src.channels();
        byte[] in = src.data();
        byte[] out = new byte[in.length];
        int n = src.width() * src.height();
        for (int i = 0; i < n; i++) {
            System.arraycopy(in, i * c, out, (n - 1 - i) * c, c);
        }
        return new ByteImage(src.width(), src.height(), c, out);
    }
}
