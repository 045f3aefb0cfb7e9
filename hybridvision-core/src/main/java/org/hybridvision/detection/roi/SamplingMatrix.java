package org.hybridvision.detection.roi;

/**
 * RoIAlign on one feature map written as a sparse matrix: {@code out = A . F}, with {@code F} the map flattened to
 * {@code [N * H * W, C]} (one row per pixel, channels last) and {@code out} the pooled features flattened to
 * {@code [K * outH * outW, C]} (one row per RoI bin). Row {@code (k, ph, pw)} of {@code A} holds the weights
 * {@code wy[y] * wx[x]} of the pixels {@code (b_k, y, x)} that bin's samples touch (see {@link RoiSampling}), in
 * coordinate (COO) form. The map is linear in {@code F}, so its gradient with respect to the features is
 * {@code A^T . grad}, which libtorch's autograd derives from the sparse product.
 *
 * <p>All arrays are plain Java: the indices and weights of every RoI are computed here, with no native call per RoI.
 */
final class SamplingMatrix {
    /** Row index (RoI bin) of each non-zero. */
    final long[] rows;
    /** Column index (feature pixel {@code b * H * W + y * W + x}) of each non-zero. */
    final long[] cols;
    /** Weight of each non-zero. */
    final float[] values;

    private SamplingMatrix(long[] rows, long[] cols, float[] values) {
        this.rows = rows;
        this.cols = cols;
        this.values = values;
    }

    /** @return the number of stored weights */
    int nnz() {
        return values.length;
    }

    /**
     * @param rois {@code [K, 5]} row-major (batch index, x1, y1, x2, y2), input coordinates; batch indices checked
     * @param selected which RoIs get rows (indices into {@code rois}); the rows of the others stay empty
     * @param op output size, scale, sampling ratio and alignment
     * @param height feature-map rows {@code H}
     * @param width feature-map columns {@code W}
     * @return the matrix of shape {@code [K * outH * outW, N * H * W]}
     */
    static SamplingMatrix build(float[] rois, int[] selected, RoiAlign op, int height, int width) {
        int outH = op.outputHeight();
        int outW = op.outputWidth();
        RoiSampling[] samplings = new RoiSampling[selected.length];
        long nnz = 0;
        for (int s = 0; s < selected.length; s++) {
            int k = selected[s];
            RoiSampling r = RoiSampling.of(rois[5 * k + 1], rois[5 * k + 2], rois[5 * k + 3], rois[5 * k + 4],
                    op.spatialScale(), outH, outW, op.samplingRatio(), op.aligned(), height, width);
            samplings[s] = r;
            long rowsTouched = 0;
            long colsTouched = 0;
            for (int ph = 0; ph < outH; ph++) {
                rowsTouched += r.y.length(ph);
            }
            for (int pw = 0; pw < outW; pw++) {
                colsTouched += r.x.length(pw);
            }
            nnz += rowsTouched * colsTouched;
        }
        if (nnz > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("RoIAlign would need " + nnz + " weights for " + selected.length
                    + " RoIs on a " + height + "x" + width + " map: pass fewer or smaller RoIs at a time");
        }
        long[] rowIdx = new long[(int) nnz];
        long[] colIdx = new long[(int) nnz];
        float[] vals = new float[(int) nnz];
        int n = 0;
        long plane = (long) height * width;
        for (int s = 0; s < selected.length; s++) {
            int k = selected[s];
            RoiSampling r = samplings[s];
            long base = (long) rois[5 * k] * plane;
            for (int ph = 0; ph < outH; ph++) {
                int y0 = r.y.first(ph);
                int ny = r.y.length(ph);
                for (int pw = 0; pw < outW; pw++) {
                    long row = ((long) k * outH + ph) * outW + pw;
                    int x0 = r.x.first(pw);
                    int nx = r.x.length(pw);
                    for (int i = 0; i < ny; i++) {
                        double wy = r.y.weight(ph, i);
                        if (wy == 0) {
                            continue;
                        }
                        long rowBase = base + (long) (y0 + i) * width + x0;
                        for (int j = 0; j < nx; j++) {
                            double w = wy * r.x.weight(pw, j);
                            if (w == 0) {
                                continue;
                            }
                            rowIdx[n] = row;
                            colIdx[n] = rowBase + j;
                            vals[n] = (float) w;
                            n++;
                        }
                    }
                }
            }
        }
        if (n < vals.length) { // zero weights skipped (a fixed sampling ratio leaves gaps; clamped samples)
            rowIdx = java.util.Arrays.copyOf(rowIdx, n);
            colIdx = java.util.Arrays.copyOf(colIdx, n);
            vals = java.util.Arrays.copyOf(vals, n);
        }
        return new SamplingMatrix(rowIdx, colIdx, vals);
    }
}
