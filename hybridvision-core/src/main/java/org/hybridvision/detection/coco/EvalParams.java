package org.hybridvision.detection.coco;

import java.util.List;

/**
 * The settings of the COCO detection metric. {@link #coco()} is the standard one (pycocotools'
 * {@code Params(iouType='bbox' or 'segm')}): IoU thresholds 0.50:0.05:0.95, 101 recall points 0:0.01:1, at most
 * 1 / 10 / 100 detections per image and category, and the area ranges all / small (below 32²) / medium (32² to 96²) /
 * large (above 96²) of the ground truth's {@code area}. Thresholds are computed as NumPy's {@code linspace} computes
 * them, so they are bit-identical to pycocotools' (0.55 is {@code 0.5 + 1 * (0.45 / 9)}).
 *
 * @param iouThresholds IoU thresholds, ascending
 * @param recallThresholds recall points at which precision is sampled, ascending
 * @param maxDetections detections kept per image and category, ascending; the largest is used for matching
 * @param areaRanges named area ranges; a ground truth whose area lies outside one is ignored in it
 */
public record EvalParams(double[] iouThresholds, double[] recallThresholds, int[] maxDetections,
        List<AreaRange> areaRanges) {

    /**
     * An area range, inclusive at both ends as pycocotools compares ({@code area < lo or area > hi} is outside).
     *
     * @param name label in the summary ({@code all}, {@code small}, ...)
     * @param min smallest area in it
     * @param max largest area in it
     */
    public record AreaRange(String name, double min, double max) {
        /**
         * @param area an area
         * @return true when it lies in [min, max]
         */
        public boolean contains(double area) {
            return !(area < min || area > max);
        }
    }

    /** Copies and checks the arrays. */
    public EvalParams {
        iouThresholds = iouThresholds.clone();
        recallThresholds = recallThresholds.clone();
        maxDetections = maxDetections.clone();
        java.util.Arrays.sort(maxDetections);
        areaRanges = List.copyOf(areaRanges);
        if (iouThresholds.length == 0 || recallThresholds.length == 0 || maxDetections.length == 0
                || areaRanges.isEmpty()) {
            throw new IllegalArgumentException("evaluation needs at least one IoU threshold, recall point, "
                    + "detection limit and area range");
        }
        if (maxDetections[0] < 1) {
            throw new IllegalArgumentException("detection limits must be positive");
        }
    }

    /** @return the standard COCO detection settings */
    public static EvalParams coco() {
        return new EvalParams(linspace(0.5, 0.95, 10), linspace(0.0, 1.0, 101), new int[] {1, 10, 100},
                List.of(new AreaRange("all", 0, 1e10), new AreaRange("small", 0, 32 * 32),
                        new AreaRange("medium", 32 * 32, 96 * 96), new AreaRange("large", 96 * 96, 1e10)));
    }

    /** NumPy's {@code linspace(start, stop, num)}: {@code i * ((stop - start) / (num - 1)) + start}, last = stop. */
    static double[] linspace(double start, double stop, int num) {
        double[] v = new double[num];
        double step = (stop - start) / (num - 1);
        for (int i = 0; i < num; i++) {
            v[i] = i * step + start;
        }
        v[num - 1] = stop;
        return v;
    }

    /**
     * @param threshold an IoU threshold
     * @return its index in {@link #iouThresholds()}, or -1
     */
    public int iouIndex(double threshold) {
        for (int t = 0; t < iouThresholds.length; t++) {
            if (Math.abs(iouThresholds[t] - threshold) < 1e-12) {
                return t;
            }
        }
        return -1;
    }

    /**
     * @param name an area range name
     * @return its index, or -1
     */
    public int areaIndex(String name) {
        for (int a = 0; a < areaRanges.size(); a++) {
            if (areaRanges.get(a).name().equals(name)) {
                return a;
            }
        }
        return -1;
    }

    /**
     * @param maxDets a detection limit
     * @return its index in {@link #maxDetections()}, or -1
     */
    public int maxDetIndex(int maxDets) {
        for (int m = 0; m < maxDetections.length; m++) {
            if (maxDetections[m] == maxDets) {
                return m;
            }
        }
        return -1;
    }

    /** @return a copy of the IoU thresholds */
    @Override
    public double[] iouThresholds() {
        return iouThresholds.clone();
    }

    /** @return a copy of the recall points */
    @Override
    public double[] recallThresholds() {
        return recallThresholds.clone();
    }

    /** @return a copy of the detection limits */
    @Override
    public int[] maxDetections() {
        return maxDetections.clone();
    }
}
