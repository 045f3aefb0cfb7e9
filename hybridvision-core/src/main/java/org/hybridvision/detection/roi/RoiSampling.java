package org.hybridvision.detection.roi;

/**
 * Where RoIAlign samples one RoI, as {@code torchvision.ops.roi_align} (and mmcv's RoIAlign) define it, reduced to
 * one set of weights per axis.
 *
 * <p>The RoI {@code (x1, y1, x2, y2)} is scaled by the spatial scale and, when aligned, shifted by half a pixel; it
 * is cut into {@code outH x outW} bins, and each bin is sampled on a regular {@code gridH x gridW} grid (the
 * sampling ratio, or {@code ceil(roi size / output size)} per axis when it is 0). Each sample is a bilinear
 * interpolation of its four neighbouring feature pixels: samples outside {@code [-1, H] x [-1, W]} count 0,
 * coordinates below 0 are clamped to 0 and those past the last pixel to the last pixel; a bin is the mean of its
 * samples. Because the grid is a product of a row grid and a column grid, and every step above acts on one axis at a
 * time, a bin's value is {@code sum_{y,x} wy[y] * wx[x] * F[y, x]} with one weight vector per bin and axis: the sum
 * of the bilinear weights of that axis' samples, divided by the samples per bin. This class computes those vectors.
 *
 * <p>The sampling points are computed in {@code float} in torchvision's order of operations, so that they are
 * bit-identical to the reference: with image coordinates in the thousands, float rounding of the points moves the
 * output by up to 1e-4, more than the tolerance the references are checked at.
 */
final class RoiSampling {
    /** Weights along the rows (y) of the feature map, one vector per output row. */
    final Axis y;
    /** Weights along the columns (x) of the feature map, one vector per output column. */
    final Axis x;

    private RoiSampling(Axis y, Axis x) {
        this.y = y;
        this.x = x;
    }

    /**
     * @param x1 RoI left edge, input (image) coordinates
     * @param y1 RoI top edge
     * @param x2 RoI right edge
     * @param y2 RoI bottom edge
     * @param spatialScale factor from input coordinates to feature-map pixels
     * @param outH output rows (bins along y)
     * @param outW output columns (bins along x)
     * @param samplingRatio samples per bin and axis; 0 for {@code ceil(roi size / output size)}
     * @param aligned shift by half a pixel (torchvision's {@code aligned=True}); false: no shift and RoIs of at least
     *     1x1 feature pixels
     * @param height feature-map rows
     * @param width feature-map columns
     */
    static RoiSampling of(float x1, float y1, float x2, float y2, float spatialScale, int outH, int outW,
            int samplingRatio, boolean aligned, int height, int width) {
        float offset = aligned ? 0.5f : 0f;
        float startW = x1 * spatialScale - offset;
        float startH = y1 * spatialScale - offset;
        float endW = x2 * spatialScale - offset;
        float endH = y2 * spatialScale - offset;
        float roiW = endW - startW;
        float roiH = endH - startH;
        if (!aligned) {
            roiW = Math.max(roiW, 1f);
            roiH = Math.max(roiH, 1f);
        }
        float binH = roiH / outH;
        float binW = roiW / outW;
        int gridH = samplingRatio > 0 ? samplingRatio : (int) Math.ceil(roiH / outH);
        int gridW = samplingRatio > 0 ? samplingRatio : (int) Math.ceil(roiW / outW);
        return new RoiSampling(Axis.of(startH, binH, outH, gridH, height),
                Axis.of(startW, binW, outW, gridW, width));
    }

    /**
     * The weights of one axis: for each bin {@code b}, the feature indices {@code first(b) .. first(b) + length(b)
     * - 1} (rows or columns, all within {@code [0, size)}) and their weights, which already include the division by
     * the samples per bin. A bin with no valid sample has length 0.
     */
    static final class Axis {
        private static final double[] NONE = new double[0];
        private final int[] first;
        private final double[][] weights;

        private Axis(int[] first, double[][] weights) {
            this.first = first;
            this.weights = weights;
        }

        /**
         * @param start first edge of the RoI on this axis, feature pixels (after scale and offset)
         * @param binSize bin size, feature pixels
         * @param bins number of bins
         * @param grid samples per bin on this axis (no samples when 0 or less)
         * @param size feature-map size on this axis
         */
        static Axis of(float start, float binSize, int bins, int grid, int size) {
            int[] first = new int[bins];
            double[][] weights = new double[bins][];
            int[] lo = new int[Math.max(grid, 0)];
            float[] loW = new float[lo.length];
            float[] hiW = new float[lo.length];
            boolean[] valid = new boolean[lo.length];
            for (int b = 0; b < bins; b++) {
                int min = Integer.MAX_VALUE;
                int max = Integer.MIN_VALUE;
                for (int i = 0; i < lo.length; i++) {
                    // torchvision: y = roi_start + b * bin_size + (i + .5f) * bin_size / grid, all in float
                    float c = start + b * binSize + (i + 0.5f) * binSize / grid;
                    valid[i] = c >= -1f && c <= size; // false for NaN too
                    if (!valid[i]) {
                        continue;
                    }
                    if (c <= 0) {
                        c = 0;
                    }
                    int low = (int) c;
                    if (low >= size - 1) {
                        low = size - 1;
                        c = low;
                    }
                    float l = c - low;
                    lo[i] = low;
                    loW[i] = 1f - l;
                    hiW[i] = l;
                    min = Math.min(min, low);
                    max = Math.max(max, Math.min(low + 1, size - 1));
                }
                if (min > max) {
                    weights[b] = NONE;
                    continue;
                }
                double[] w = new double[max - min + 1];
                for (int i = 0; i < lo.length; i++) {
                    if (!valid[i]) {
                        continue;
                    }
                    w[lo[i] - min] += loW[i];
                    if (lo[i] + 1 < size) {
                        w[lo[i] + 1 - min] += hiW[i];
                    } // else: clamped to the last pixel, where hiW is 0
                }
                for (int j = 0; j < w.length; j++) {
                    w[j] /= grid;
                }
                first[b] = min;
                weights[b] = w;
            }
            return new Axis(first, weights);
        }

        /** @return the number of bins */
        int bins() {
            return first.length;
        }

        /** @return the first feature index of bin {@code b} */
        int first(int b) {
            return first[b];
        }

        /** @return how many consecutive feature indices bin {@code b} weighs (0: the bin is empty) */
        int length(int b) {
            return weights[b].length;
        }

        /** @return the weight of feature index {@code first(b) + j} in bin {@code b} */
        double weight(int b, int j) {
            return weights[b][j];
        }
    }
}
