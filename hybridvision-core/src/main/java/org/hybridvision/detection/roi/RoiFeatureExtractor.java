package org.hybridvision.detection.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;
import java.util.List;

/**
 * The RoI feature extractor of FPN two-stage detectors, with the semantics of mmdetection v2's
 * {@code SingleRoIExtractor}: each RoI is pooled by {@link RoiAlign} from one pyramid level, chosen by its scale
 * (Lin et al., FPN, 2017, eq. 1, in mmdetection's form):
 * {@code level = floor(log2(sqrt(w * h) / finestScale + 1e-6))}, clamped to the available levels; so with
 * {@code finestScale} 56, RoIs below 112 pixels go to the finest level (stride 4), 112-224 to the next, 224-448 to
 * the third and larger ones to the fourth. Level {@code l} is pooled at spatial scale {@code 1 / featmapStrides[l]}.
 *
 * <p>Shapes: feature maps {@code features.get(l)} = {@code [N, C, H_l, W_l]} (float32, same {@code N} and
 * {@code C}; only the first {@code featmapStrides.length} are used, as mmdetection's heads pass
 * {@code x[:num_inputs]}: P2-P5 of the five FPN outputs); RoIs {@code [K, 5]} (batch index, x1, y1, x2, y2) in image
 * pixels. Output {@code [K, C, outputSize, outputSize]}, in the RoI order given. The mmdetection Mask R-CNN configs
 * use two: 7x7 for the box head and 14x14 for the mask head, both with sampling ratio 0 and strides 4/8/16/32.
 *
 * <p>All levels' RoIs go through one sparse product per level (no per-RoI native call); gradients flow to every level's
 * features. A RoI with a negative area (one side inverted) has no level (its {@code log2} is NaN) and pools zeros,
 * as in mmdetection. Temporaries live in a closed scope; the result belongs to the first map's manager.
 */
public final class RoiFeatureExtractor {
    private final int outputSize;
    private final int[] featmapStrides;
    private final int finestScale;
    private final RoiAlign[] levels;

    private RoiFeatureExtractor(Builder b) {
        this.outputSize = b.outputSize;
        this.featmapStrides = b.featmapStrides.clone();
        this.finestScale = b.finestScale;
        this.levels = new RoiAlign[featmapStrides.length];
        for (int l = 0; l < levels.length; l++) {
            levels[l] = RoiAlign.builder().outputSize(outputSize).spatialScale(1f / featmapStrides[l])
                    .samplingRatio(b.samplingRatio).aligned(b.aligned).build();
        }
    }

    /**
     * @param outputSize pooled rows and columns (7 for boxes, 14 for masks)
     * @param featmapStrides stride of each pyramid level, finest first (mmdetection: 4, 8, 16, 32)
     * @return the extractor with finest scale 56, sampling ratio 0, aligned RoIAlign
     */
    public static RoiFeatureExtractor of(int outputSize, int... featmapStrides) {
        return builder().outputSize(outputSize).featmapStrides(featmapStrides).build();
    }

    /** @return a builder: output 7x7, strides 4/8/16/32, finest scale 56, sampling ratio 0, aligned */
    public static Builder builder() {
        return new Builder();
    }

    /** @return pooled rows and columns */
    public int outputSize() {
        return outputSize;
    }

    /** @return the stride of each level, finest first (a copy) */
    public int[] featmapStrides() {
        return featmapStrides.clone();
    }

    /** @return mmdetection's {@code finest_scale}: RoIs with {@code sqrt(w * h)} below twice this go to level 0 */
    public int finestScale() {
        return finestScale;
    }

    /** @return the number of pyramid levels used */
    public int numLevels() {
        return featmapStrides.length;
    }

    /** @return the RoIAlign of level {@code l} */
    public RoiAlign roiAlign(int l) {
        return levels[l];
    }

    /**
     * @param rois {@code [K, 5]} (batch index, x1, y1, x2, y2)
     * @return the level of each RoI, {@code [K]}, in {@code [0, numLevels)}, or -1 for a negative area
     */
    public int[] mapRoiLevels(NDArray rois) {
        return mapRoiLevels(RoiArrays.toRows(rois, "rois"));
    }

    /**
     * @param rois {@code K * 5} values, row-major {@code [K, 5]} (batch index, x1, y1, x2, y2)
     * @return the level of each RoI, {@code [K]}, in {@code [0, numLevels)}, or -1 for a negative area
     */
    public int[] mapRoiLevels(float[] rois) {
        int k = RoiArrays.count(rois, "rois");
        int[] out = new int[k];
        for (int i = 0; i < k; i++) {
            out[i] = level(rois[5 * i + 1], rois[5 * i + 2], rois[5 * i + 3], rois[5 * i + 4], finestScale,
                    featmapStrides.length);
        }
        return out;
    }

    /**
     * mmdetection's {@code map_roi_levels} for one box, in float32 as torch computes it.
     *
     * @param x1 left, image pixels
     * @param y1 top
     * @param x2 right
     * @param y2 bottom
     * @param finestScale 56 in mmdetection
     * @param numLevels levels available
     * @return {@code clamp(floor(log2(sqrt(w * h) / finestScale + 1e-6)), 0, numLevels - 1)}, or -1 when
     *     {@code w * h < 0}
     */
    public static int level(float x1, float y1, float x2, float y2, int finestScale, int numLevels) {
        float scale = (float) Math.sqrt((x2 - x1) * (y2 - y1));
        float v = scale / finestScale + 1e-6f;
        double lv = Math.floor(Math.log(v) / Math.log(2));
        if (Double.isNaN(lv)) {
            return -1;
        }
        return (int) Math.max(0, Math.min(numLevels - 1, lv));
    }

    /**
     * @param features pyramid maps, finest first, {@code [N, C, H_l, W_l]} float32 (at least {@link #numLevels()})
     * @param rois {@code [K, 5]} (batch index, x1, y1, x2, y2), image pixels
     * @return {@code [K, C, outputSize, outputSize]}, owned by the manager of {@code features.get(0)}
     * @throws IllegalArgumentException for too few maps, shapes that disagree, or bad RoIs (see {@link RoiAlign})
     */
    public NDArray extract(List<NDArray> features, NDArray rois) {
        return extract(features, RoiArrays.toRows(rois, "rois"));
    }

    /**
     * @param features pyramid maps, finest first, {@code [N, C, H_l, W_l]} float32 (at least {@link #numLevels()})
     * @param rois {@code K * 5} values, row-major {@code [K, 5]} (batch index, x1, y1, x2, y2), image pixels
     * @return {@code [K, C, outputSize, outputSize]}, owned by the manager of {@code features.get(0)}
     * @throws IllegalArgumentException as {@link #extract(List, NDArray)}
     */
    public NDArray extract(List<NDArray> features, float[] rois) {
        int numLevels = featmapStrides.length;
        if (features.size() < numLevels) {
            throw new IllegalArgumentException("the RoI extractor has " + numLevels + " levels (strides "
                    + Arrays.toString(featmapStrides) + ") but got " + features.size() + " feature map(s)");
        }
        long[] first = RoiAlign.checkFeatures(features.get(0), "features[0]");
        for (int l = 1; l < numLevels; l++) {
            long[] s = RoiAlign.checkFeatures(features.get(l), "features[" + l + "]");
            if (s[0] != first[0] || s[1] != first[1]) {
                throw new IllegalArgumentException("features[" + l + "] is " + features.get(l).getShape()
                        + " but features[0] is " + features.get(0).getShape() + ": every level needs the same batch "
                        + "size and channels");
            }
        }
        int k = RoiArrays.count(rois, "rois");
        levels[0].checkRois(rois, first[0], "rois");
        int[] lv = mapRoiLevels(rois);
        NDManager owner = features.get(0).getManager();
        try (NDManager scope = owner.newSubManager()) {
            for (int l = 0; l < numLevels; l++) {
                scope.tempAttachAll(features.get(l));
            }
            NDArray sum = null;
            for (int l = 0; l < numLevels; l++) {
                int[] selected = select(lv, l);
                if (selected.length == 0) {
                    continue;
                }
                NDArray rows = levels[l].pooledRows(scope, features.get(l), rois, k, selected);
                sum = sum == null ? rows : sum.addi(rows);
            }
            if (sum == null) {
                sum = scope.zeros(new Shape((long) k * outputSize * outputSize, first[1]));
            }
            NDArray out = levels[0].toBins(sum, k);
            out.attach(owner);
            return out;
        }
    }

    private static int[] select(int[] levels, int level) {
        int n = 0;
        for (int l : levels) {
            n += l == level ? 1 : 0;
        }
        int[] out = new int[n];
        n = 0;
        for (int i = 0; i < levels.length; i++) {
            if (levels[i] == level) {
                out[n++] = i;
            }
        }
        return out;
    }

    /** Builder of {@link RoiFeatureExtractor}; every setting has the default named on {@link #builder()}. */
    public static final class Builder {
        private int outputSize = 7;
        private int[] featmapStrides = {4, 8, 16, 32};
        private int finestScale = 56;
        private int samplingRatio = 0;
        private boolean aligned = true;

        private Builder() {}

        /** @param size pooled rows and columns (at least 1) @return this */
        public Builder outputSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("RoI output size must be at least 1, got " + size);
            }
            this.outputSize = size;
            return this;
        }

        /** @param strides stride of each level, finest first (positive) @return this */
        public Builder featmapStrides(int... strides) {
            if (strides.length == 0 || Arrays.stream(strides).anyMatch(s -> s < 1)) {
                throw new IllegalArgumentException("feature-map strides must be positive, one per level, got "
                        + Arrays.toString(strides));
            }
            this.featmapStrides = strides.clone();
            return this;
        }

        /** @param scale RoI scale of the finest level (mmdetection: 56), positive @return this */
        public Builder finestScale(int scale) {
            if (scale < 1) {
                throw new IllegalArgumentException("finest scale must be positive, got " + scale);
            }
            this.finestScale = scale;
            return this;
        }

        /** @param ratio RoIAlign samples per bin and axis, 0 for adaptive @return this */
        public Builder samplingRatio(int ratio) {
            RoiAlign.builder().samplingRatio(ratio); // same check
            this.samplingRatio = ratio;
            return this;
        }

        /** @param aligned RoIAlign's half-pixel shift @return this */
        public Builder aligned(boolean aligned) {
            this.aligned = aligned;
            return this;
        }

        /** @return the extractor */
        public RoiFeatureExtractor build() {
            return new RoiFeatureExtractor(this);
        }
    }
}
