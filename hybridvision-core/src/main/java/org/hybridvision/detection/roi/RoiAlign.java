package org.hybridvision.detection.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.nio.FloatBuffer;

/**
 * RoIAlign (He et al., Mask R-CNN, 2017): pools a fixed-size feature grid from each region of interest by bilinear
 * sampling, with the semantics of {@code torchvision.ops.roi_align} and mmcv's {@code RoIAlign} (average pooling).
 *
 * <p>Shapes: features {@code [N, C, H, W]} (float32), RoIs {@code [K, 5]} rows {@code (batch index, x1, y1, x2,
 * y2)} in input (image) coordinates; the output is {@code [K, C, outputHeight, outputWidth]}. A RoI is scaled by
 * {@link #spatialScale()} (1 / the map's stride) and, when {@link #aligned()} (the default, as mmdetection's configs
 * use), shifted by half a pixel so that pixel centres sit at {@code i + 0.5}. Each output bin averages a
 * {@code g x g} grid of bilinear samples, {@code g} = {@link #samplingRatio()} or, when it is 0 (the default),
 * {@code ceil(roi size / output size)} per axis and RoI. Samples outside {@code [-1, H] x [-1, W]} count 0; others
 * are clamped into the map. RoIs that are empty, inverted or entirely outside the map give zeros.
 *
 * <p>Backward: the output is a linear map of the features, computed as one sparse-dense product per call
 * ({@code A [K * outH * outW, N * H * W] . F [N * H * W, C]}, weights computed in Java, see the package-private
 * {@code SamplingMatrix}), so libtorch's autograd gives the gradient with respect to the features
 * ({@code A^T . grad}); RoI coordinates get no gradient, as in torchvision. Checked against torchvision 0.14 in value
 * and gradient (test resources {@code roi/make_roi_refs.py}).
 *
 * <p>Memory: temporaries live in a closed scope; the result belongs to the features' manager (it may have
 * channels-last strides; reshape copies when needed).
 */
public final class RoiAlign {
    /** Largest samples per bin and axis accepted (a RoI of more than 65536 bins' worth of pixels is a bug). */
    private static final int MAX_GRID = 1 << 16;

    private final int outputHeight;
    private final int outputWidth;
    private final float spatialScale;
    private final int samplingRatio;
    private final boolean aligned;

    private RoiAlign(Builder b) {
        this.outputHeight = b.outputHeight;
        this.outputWidth = b.outputWidth;
        this.spatialScale = b.spatialScale;
        this.samplingRatio = b.samplingRatio;
        this.aligned = b.aligned;
    }

    /**
     * @param outputSize output rows and columns (7 for box heads, 14 for mask heads)
     * @param spatialScale 1 / stride of the feature map
     * @return aligned RoIAlign with adaptive sampling (sampling ratio 0), as mmdetection's configs use it
     */
    public static RoiAlign of(int outputSize, float spatialScale) {
        return builder().outputSize(outputSize).spatialScale(spatialScale).build();
    }

    /** @return a builder: output size 7x7, spatial scale 1, sampling ratio 0, aligned */
    public static Builder builder() {
        return new Builder();
    }

    /** @return output rows */
    public int outputHeight() {
        return outputHeight;
    }

    /** @return output columns */
    public int outputWidth() {
        return outputWidth;
    }

    /** @return factor from RoI (input) coordinates to feature pixels: 1 / stride */
    public float spatialScale() {
        return spatialScale;
    }

    /** @return samples per bin and axis; 0: {@code ceil(roi size / output size)} per RoI */
    public int samplingRatio() {
        return samplingRatio;
    }

    /** @return whether RoIs are shifted by half a pixel (torchvision's {@code aligned=True}) */
    public boolean aligned() {
        return aligned;
    }

    /**
     * @param features {@code [N, C, H, W]} float32 feature map (may require gradients)
     * @param rois {@code [K, 5]} (batch index, x1, y1, x2, y2), input coordinates; any float type
     * @return {@code [K, C, outputHeight, outputWidth]}, owned by the features' manager
     * @throws IllegalArgumentException for wrong shapes or types, a batch index that is not an image of the batch, or
     *     a non-finite coordinate
     */
    public NDArray apply(NDArray features, NDArray rois) {
        return apply(features, RoiArrays.toRows(rois, "rois"));
    }

    /**
     * @param features {@code [N, C, H, W]} float32 feature map (may require gradients)
     * @param rois {@code K * 5} values, row-major {@code [K, 5]} (batch index, x1, y1, x2, y2)
     * @return {@code [K, C, outputHeight, outputWidth]}, owned by the features' manager
     * @throws IllegalArgumentException as {@link #apply(NDArray, NDArray)}
     */
    public NDArray apply(NDArray features, float[] rois) {
        long[] f = checkFeatures(features, "features");
        int k = RoiArrays.count(rois, "rois");
        checkRois(rois, f[0], "rois");
        int[] all = new int[k];
        for (int i = 0; i < k; i++) {
            all[i] = i;
        }
        NDManager owner = features.getManager();
        try (NDManager scope = owner.newSubManager()) {
            scope.tempAttachAll(features);
            NDArray out = toBins(pooledRows(scope, features, rois, k, all), k);
            out.attach(owner);
            return out;
        }
    }

    /**
     * The pooled features of the {@code selected} RoIs as rows {@code (k, ph, pw)} of a {@code [K * outH * outW, C]}
     * array whose other rows are 0, made in {@code scope} (which must own the results of ops on {@code features}).
     * Inputs are already checked.
     */
    NDArray pooledRows(NDManager scope, NDArray features, float[] rois, int numRois, int[] selected) {
        long[] f = features.getShape().getShape();
        int n = (int) f[0];
        int c = (int) f[1];
        int h = (int) f[2];
        int w = (int) f[3];
        if (numRois == 0) {
            return scope.zeros(new Shape(0, c), features.getDataType());
        }
        SamplingMatrix m = SamplingMatrix.build(rois, selected, this, h, w);
        long[] rows = m.rows;
        long[] cols = m.cols;
        float[] values = m.values;
        if (m.nnz() == 0) { // one explicit zero keeps the product (and the graph) well-formed
            rows = new long[] {0};
            cols = new long[] {0};
            values = new float[] {0f};
        }
        // [N, C, H, W] -> [N * H * W, C]: a view for channels-last maps, one copy otherwise
        NDArray flat = features.transpose(0, 2, 3, 1).reshape((long) n * h * w, c);
        Shape shape = new Shape((long) numRois * outputHeight * outputWidth, (long) n * h * w);
        NDArray a = scope.createCoo(FloatBuffer.wrap(values), new long[][] {rows, cols}, shape);
        return a.matMul(flat);
    }

    /** {@code [K * outH * outW, C]} rows to {@code [K, C, outH, outW]} (a view). */
    NDArray toBins(NDArray rows, int numRois) {
        long c = rows.getShape().get(1);
        return rows.reshape(numRois, outputHeight, outputWidth, c).transpose(0, 3, 1, 2);
    }

    /** @return the shape of a checked {@code [N, C, H, W]} float32 map */
    static long[] checkFeatures(NDArray features, String what) {
        Shape s = features.getShape();
        if (s.dimension() != 4) {
            throw new IllegalArgumentException(what + " must be [N, C, H, W], got " + s);
        }
        if (features.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException(what + " must be float32, got " + features.getDataType());
        }
        if (s.get(0) < 1 || s.get(2) < 1 || s.get(3) < 1) {
            throw new IllegalArgumentException(what + " must have at least one image, row and column, got " + s);
        }
        return s.getShape();
    }

    /** Checks each RoI's batch index (an integer in {@code [0, batch)}), finite coordinates and its sampling grid. */
    void checkRois(float[] rois, long batch, String what) {
        for (int k = 0; k < rois.length / 5; k++) {
            float b = rois[5 * k];
            if (!(b >= 0 && b < batch && b == Math.rint(b))) {
                throw new IllegalArgumentException(what + "[" + k + "] has batch index " + b + ", but the batch has "
                        + batch + " image(s): the first column must be an image index 0.." + (batch - 1));
            }
            for (int j = 1; j < 5; j++) {
                if (!Float.isFinite(rois[5 * k + j])) {
                    throw new IllegalArgumentException(what + "[" + k + "] has a non-finite coordinate "
                            + rois[5 * k + j] + " (column " + j + "): RoIs must be finite boxes (x1, y1, x2, y2)");
                }
            }
            if (samplingRatio <= 0) {
                float side = Math.max(rois[5 * k + 3] - rois[5 * k + 1], rois[5 * k + 4] - rois[5 * k + 2]);
                if (side * spatialScale / Math.min(outputHeight, outputWidth) > MAX_GRID) {
                    throw new IllegalArgumentException(what + "[" + k + "] is " + side
                            + " wide or high: far larger than any feature map; check the RoI coordinates");
                }
            }
        }
    }

    /** Builder of {@link RoiAlign}; every setting has the default named on {@link #builder()}. */
    public static final class Builder {
        private int outputHeight = 7;
        private int outputWidth = 7;
        private float spatialScale = 1f;
        private int samplingRatio = 0;
        private boolean aligned = true;

        private Builder() {}

        /** @param size output rows and columns @return this */
        public Builder outputSize(int size) {
            return outputSize(size, size);
        }

        /** @param height output rows @param width output columns @return this */
        public Builder outputSize(int height, int width) {
            if (height < 1 || width < 1) {
                throw new IllegalArgumentException("RoIAlign output size must be at least 1x1, got " + height + "x"
                        + width);
            }
            this.outputHeight = height;
            this.outputWidth = width;
            return this;
        }

        /** @param scale 1 / stride of the feature map (positive) @return this */
        public Builder spatialScale(float scale) {
            if (!(scale > 0) || Float.isInfinite(scale)) {
                throw new IllegalArgumentException("RoIAlign spatial scale must be positive and finite (1 / stride), "
                        + "got " + scale);
            }
            this.spatialScale = scale;
            return this;
        }

        /** @param ratio samples per bin and axis, 0 for adaptive ({@code ceil(roi size / output size)}) @return this */
        public Builder samplingRatio(int ratio) {
            if (ratio < 0 || ratio > MAX_GRID) {
                throw new IllegalArgumentException("RoIAlign sampling ratio must be 0 (adaptive) or positive, got "
                        + ratio);
            }
            this.samplingRatio = ratio;
            return this;
        }

        /** @param aligned half-pixel shift (torchvision {@code aligned=True}) @return this */
        public Builder aligned(boolean aligned) {
            this.aligned = aligned;
            return this;
        }

        /** @return the operator */
        public RoiAlign build() {
            return new RoiAlign(this);
        }
    }
}
