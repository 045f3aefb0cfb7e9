package org.hybridvision.detection.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.List;

/**
 * Mask R-CNN's mask targets, with the semantics of mmdetection v2's {@code mask_target} (through
 * {@code BitmapMasks.crop_and_resize}): for each positive proposal, its assigned ground-truth mask cropped to the
 * proposal and resized to {@code S x S} (28 in the configs) by RoIAlign (aligned, spatial scale 1, sampling ratio
 * 0: the mean of {@code ceil(box size / S)}-squared bilinear samples per cell), then thresholded: a cell is 1 when
 * that mean is {@code >= 0.5}. Proposals are first clipped to the mask's image, as mmdetection does.
 *
 * <p>Shapes: proposals {@code [P, 4]} {@code (x1, y1, x2, y2)} in the pixels of the ground-truth masks (the image
 * after the pipeline's resize, flip and pad); assigned ground truth {@code [P]} (indices into the image's masks);
 * masks all {@code H x W} ({@link BinaryMask#of(org.hybridvision.detection.coco.Rle)} converts an annotation's RLE).
 * Output {@code [P, S, S]} float32 of 0 and 1. One image per call, as mmdetection's
 * {@code mask_target_single}; concatenate the images of a batch.
 *
 * <p>Computed in Java from the same sampling weights as {@link RoiAlign} (no mask is copied into a float tensor: a
 * COCO image's masks at 800x1344 would take hundreds of MB); the cell means are accumulated in double, so a mean
 * within float rounding of exactly 0.5 may threshold differently from torchvision's float32 sum.
 */
public final class MaskTargets {
    /** The mask size of mmdetection's Mask R-CNN configs. */
    public static final int DEFAULT_SIZE = 28;

    private MaskTargets() {}

    /**
     * @param proposals {@code [P, 4]} positive proposals (x1, y1, x2, y2), mask pixels
     * @param assignedGt {@code [P]} integer index of each proposal's ground truth in {@code gtMasks}
     * @param gtMasks the image's ground-truth masks, all the same size
     * @param size output rows and columns {@code S}
     * @return {@code [P, S, S]} float32 0/1, owned by the proposals' manager
     * @throws IllegalArgumentException for wrong shapes, an index outside {@code gtMasks}, or masks of different sizes
     */
    public static NDArray compute(NDArray proposals, NDArray assignedGt, List<BinaryMask> gtMasks, int size) {
        float[] boxes = RoiArrays.toBoxes(proposals, "proposals");
        int[] assigned = RoiArrays.toInts(assignedGt, "assignedGt");
        return compute(proposals.getManager(), boxes, assigned, gtMasks, size);
    }

    /**
     * @param manager owner of the result
     * @param proposals {@code P * 4} values, row-major {@code [P, 4]} (x1, y1, x2, y2), mask pixels
     * @param assignedGt {@code [P]} index of each proposal's ground truth in {@code gtMasks}
     * @param gtMasks the image's ground-truth masks, all the same size
     * @param size output rows and columns {@code S}
     * @return {@code [P, S, S]} float32 0/1
     * @throws IllegalArgumentException as {@link #compute(NDArray, NDArray, List, int)}
     */
    public static NDArray compute(NDManager manager, float[] proposals, int[] assignedGt, List<BinaryMask> gtMasks,
            int size) {
        double[] soft = soft(proposals, assignedGt, gtMasks, size);
        float[] out = new float[soft.length];
        for (int i = 0; i < soft.length; i++) {
            out[i] = soft[i] >= 0.5 ? 1f : 0f;
        }
        return manager.create(out, new Shape(assignedGt.length, size, size));
    }

    /** The cell means before the threshold, {@code [P, S, S]} row-major. */
    static double[] soft(float[] proposals, int[] assignedGt, List<BinaryMask> gtMasks, int size) {
        int p = RoiArrays.rows(proposals.length, 4, "proposals");
        if (p != assignedGt.length) {
            throw new IllegalArgumentException(p + " proposals but " + assignedGt.length
                    + " assigned ground-truth indices: give one index per proposal");
        }
        if (size < 1) {
            throw new IllegalArgumentException("mask target size must be at least 1, got " + size);
        }
        int height = 0;
        int width = 0;
        for (int g = 0; g < gtMasks.size(); g++) {
            BinaryMask m = gtMasks.get(g);
            if (g == 0) {
                height = m.height();
                width = m.width();
            } else if (m.height() != height || m.width() != width) {
                throw new IllegalArgumentException("ground-truth mask " + g + " is " + m.height() + "x" + m.width()
                        + " but mask 0 is " + height + "x" + width + ": one image's masks share its size");
            }
        }
        double[] out = new double[p * size * size];
        float[] window = new float[0];
        for (int k = 0; k < p; k++) {
            int g = assignedGt[k];
            if (g < 0 || g >= gtMasks.size()) {
                throw new IllegalArgumentException("proposal " + k + " is assigned ground truth " + g + ", but the "
                        + "image has " + gtMasks.size() + " mask(s)");
            }
            // mask_target_single clips the proposals to the mask (np.clip on float32)
            float x1 = clip(proposals[4 * k], width);
            float y1 = clip(proposals[4 * k + 1], height);
            float x2 = clip(proposals[4 * k + 2], width);
            float y2 = clip(proposals[4 * k + 3], height);
            RoiSampling s = RoiSampling.of(x1, y1, x2, y2, 1f, size, size, 0, true, height, width);
            int ya = Integer.MAX_VALUE;
            int yb = -1;
            int xa = Integer.MAX_VALUE;
            int xb = -1;
            for (int b = 0; b < size; b++) {
                if (s.y.length(b) > 0) {
                    ya = Math.min(ya, s.y.first(b));
                    yb = Math.max(yb, s.y.first(b) + s.y.length(b) - 1);
                }
                if (s.x.length(b) > 0) {
                    xa = Math.min(xa, s.x.first(b));
                    xb = Math.max(xb, s.x.first(b) + s.x.length(b) - 1);
                }
            }
            if (yb < 0 || xb < 0) {
                continue; // an empty (clipped-away) proposal: all zeros
            }
            int wh = yb - ya + 1;
            int ww = xb - xa + 1;
            if (window.length < wh * ww) {
                window = new float[wh * ww];
            }
            gtMasks.get(g).copyWindow(ya, xa, wh, ww, window);
            int base = k * size * size;
            for (int ph = 0; ph < size; ph++) {
                int y0 = s.y.first(ph) - ya;
                int ny = s.y.length(ph);
                for (int pw = 0; pw < size; pw++) {
                    int x0 = s.x.first(pw) - xa;
                    int nx = s.x.length(pw);
                    double v = 0;
                    for (int i = 0; i < ny; i++) {
                        int row = (y0 + i) * ww + x0;
                        double r = 0;
                        for (int j = 0; j < nx; j++) {
                            r += s.x.weight(pw, j) * window[row + j];
                        }
                        v += s.y.weight(ph, i) * r;
                    }
                    out[base + ph * size + pw] = v;
                }
            }
        }
        return out;
    }

    private static float clip(float v, int max) {
        return Math.min(Math.max(v, 0f), max);
    }
}
