package org.hybridvision.detection.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.hybridvision.detection.coco.Rle;

import java.util.ArrayList;
import java.util.List;

/**
 * Pastes Mask R-CNN's per-instance mask probabilities back into the image, with the semantics of mmdetection v2's
 * {@code FCNMaskHead.get_seg_masks} / {@code _do_paste_mask} on CPU: each {@code S x S} mask (28x28 in the
 * configs) is stretched over its detected box by bilinear sampling at the image's pixel centres, as
 * {@code grid_sample(align_corners=False, padding_mode='zeros')} does (mask cells outside the mask count 0), within
 * the box's pixel window {@code [floor(x1) - 1, ceil(x2) + 1) x [floor(y1) - 1, ceil(y2) + 1)} clipped to the image;
 * a pixel is in the instance when its value is {@code >= threshold} (mmdetection's {@code mask_thr_binary}, 0.5).
 * A box of zero width or height samples the mask's middle column or row, as mmdetection's infinite-grid fix does.
 *
 * <p>Shapes: probabilities {@code [N, S, S]} or {@code [N, 1, S, S]} (after the sigmoid, the detected class's
 * channel already selected); boxes {@code [N, 4]} {@code (x1, y1, x2, y2)} in the pixels of the output image (divide
 * by the pipeline's scale factor first to paste at the original resolution, as mmdetection's {@code rescale});
 * output one {@link BinaryMask} of {@code imageHeight x imageWidth} per detection, or its COCO RLE
 * ({@link #pasteToRle}). Plain Java on CPU, one box at a
 * time (as mmdetection on CPU), float32 arithmetic in grid_sample's order.
 */
public final class MaskPaste {
    /** mmdetection's {@code mask_thr_binary}. */
    public static final float DEFAULT_THRESHOLD = 0.5f;

    private MaskPaste() {}

    /**
     * @param probs {@code [N, S, S]} or {@code [N, 1, S, S]} mask probabilities (any float type)
     * @param boxes {@code [N, 4]} (x1, y1, x2, y2), output-image pixels
     * @param imageHeight output image rows
     * @param imageWidth output image columns
     * @param threshold a pixel is in the mask when its pasted probability is {@code >= threshold}
     * @return {@code N} masks of {@code imageHeight x imageWidth}
     * @throws IllegalArgumentException for wrong shapes or sizes
     */
    public static List<BinaryMask> paste(NDArray probs, NDArray boxes, int imageHeight, int imageWidth,
            float threshold) {
        Shape s = probs.getShape();
        boolean withChannel = s.dimension() == 4 && s.get(1) == 1;
        if (!(s.dimension() == 3 || withChannel)) {
            throw new IllegalArgumentException("mask probabilities must be [N, S, S] or [N, 1, S, S], got " + s);
        }
        int maskH = (int) s.get(s.dimension() - 2);
        int maskW = (int) s.get(s.dimension() - 1);
        float[] p;
        if (probs.getDataType() == DataType.FLOAT32) {
            p = probs.toFloatArray();
        } else {
            try (NDArray f = probs.toType(DataType.FLOAT32, false)) {
                p = f.toFloatArray();
            }
        }
        return paste(p, maskH, maskW, RoiArrays.toBoxes(boxes, "boxes"), imageHeight, imageWidth, threshold);
    }

    /**
     * {@link #paste(NDArray, NDArray, int, int, float)} encoded as COCO RLE, the form of a {@code segm} result.
     *
     * @param probs {@code [N, S, S]} or {@code [N, 1, S, S]} mask probabilities
     * @param boxes {@code [N, 4]} (x1, y1, x2, y2), output-image pixels
     * @param imageHeight output image rows
     * @param imageWidth output image columns
     * @param threshold a pixel is in the mask when its pasted probability is {@code >= threshold}
     * @return {@code N} run-length encodings of {@code imageHeight x imageWidth}
     */
    public static List<Rle> pasteToRle(NDArray probs, NDArray boxes, int imageHeight, int imageWidth,
            float threshold) {
        List<BinaryMask> masks = paste(probs, boxes, imageHeight, imageWidth, threshold);
        List<Rle> out = new ArrayList<>(masks.size());
        for (BinaryMask m : masks) {
            out.add(m.toRle());
        }
        return out;
    }

    /**
     * @param probs {@code N * maskH * maskW} probabilities, row-major {@code [N, maskH, maskW]}
     * @param maskH mask rows
     * @param maskW mask columns
     * @param boxes {@code N * 4} values, row-major {@code [N, 4]} (x1, y1, x2, y2), output-image pixels
     * @param imageHeight output image rows
     * @param imageWidth output image columns
     * @param threshold a pixel is in the mask when its pasted probability is {@code >= threshold}
     * @return {@code N} masks of {@code imageHeight x imageWidth}
     * @throws IllegalArgumentException for inconsistent sizes
     */
    public static List<BinaryMask> paste(float[] probs, int maskH, int maskW, float[] boxes, int imageHeight,
            int imageWidth, float threshold) {
        int n = check(probs, maskH, maskW, boxes, imageHeight, imageWidth);
        List<BinaryMask> out = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            Window w = Window.of(boxes, k, imageHeight, imageWidth);
            if (w.rows <= 0 || w.cols <= 0) {
                out.add(BinaryMask.empty(imageHeight, imageWidth));
                continue;
            }
            float[] v = sample(probs, k, maskH, maskW, boxes, w);
            out.add(BinaryMask.region(imageHeight, imageWidth, w.y0, w.x0, w.rows, w.cols, i -> v[i] >= threshold));
        }
        return out;
    }

    /** The pasted probabilities before the threshold, {@code [N, imageHeight, imageWidth]}, 0 outside each window. */
    static float[] pasteSoft(float[] probs, int maskH, int maskW, float[] boxes, int imageHeight, int imageWidth) {
        int n = check(probs, maskH, maskW, boxes, imageHeight, imageWidth);
        float[] out = new float[n * imageHeight * imageWidth];
        for (int k = 0; k < n; k++) {
            Window w = Window.of(boxes, k, imageHeight, imageWidth);
            if (w.rows <= 0 || w.cols <= 0) {
                continue;
            }
            float[] v = sample(probs, k, maskH, maskW, boxes, w);
            for (int y = 0; y < w.rows; y++) {
                System.arraycopy(v, y * w.cols, out, (k * imageHeight + w.y0 + y) * imageWidth + w.x0, w.cols);
            }
        }
        return out;
    }

    private static int check(float[] probs, int maskH, int maskW, float[] boxes, int imageHeight, int imageWidth) {
        if (maskH < 1 || maskW < 1) {
            throw new IllegalArgumentException("masks must be at least 1x1, got " + maskH + "x" + maskW);
        }
        if (imageHeight < 1 || imageWidth < 1) {
            throw new IllegalArgumentException("the image must be at least 1x1, got " + imageHeight + "x"
                    + imageWidth);
        }
        int n = RoiArrays.rows(boxes.length, 4, "boxes");
        if (probs.length != n * maskH * maskW) {
            throw new IllegalArgumentException(n + " boxes need " + n + " masks of " + maskH + "x" + maskW + " ("
                    + n * maskH * maskW + " values), got " + probs.length + " values");
        }
        return n;
    }

    /** The pixel window mmdetection pastes a box into: {@code [y0, y0 + rows) x [x0, x0 + cols)}. */
    private static final class Window {
        final int y0;
        final int x0;
        final int rows;
        final int cols;

        private Window(int y0, int x0, int rows, int cols) {
            this.y0 = y0;
            this.x0 = x0;
            this.rows = rows;
            this.cols = cols;
        }

        static Window of(float[] boxes, int k, int imageHeight, int imageWidth) {
            // clamp(floor(min corner) - 1, min=0), clamp(ceil(max corner) + 1, max=image size)
            int x0 = (int) Math.max(Math.floor(boxes[4 * k]) - 1, 0);
            int y0 = (int) Math.max(Math.floor(boxes[4 * k + 1]) - 1, 0);
            int x1 = (int) Math.min(Math.ceil(boxes[4 * k + 2]) + 1, imageWidth);
            int y1 = (int) Math.min(Math.ceil(boxes[4 * k + 3]) + 1, imageHeight);
            return new Window(y0, x0, y1 - y0, x1 - x0);
        }
    }

    /** grid_sample of mask {@code k} at the window's pixel centres; {@code [rows, cols]} row-major. */
    private static float[] sample(float[] probs, int k, int maskH, int maskW, float[] boxes, Window w) {
        float bx0 = boxes[4 * k];
        float by0 = boxes[4 * k + 1];
        float bx1 = boxes[4 * k + 2];
        float by1 = boxes[4 * k + 3];
        // per column: west cell, its weight and the east weight; per row likewise (the grid is separable)
        int[] xw = new int[w.cols];
        float[] we = new float[w.cols]; // weight of the west cell (distance to the east)
        float[] ww = new float[w.cols]; // weight of the east cell
        for (int c = 0; c < w.cols; c++) {
            float x = unnormalize(normalized(w.x0 + c, bx0, bx1), maskW);
            float f = (float) Math.floor(x);
            xw[c] = Float.isNaN(x) ? Integer.MIN_VALUE / 2 : (int) f;
            ww[c] = x - f;
            we[c] = 1f - ww[c];
        }
        int[] yn = new int[w.rows];
        float[] ns = new float[w.rows]; // weight of the north cell (distance to the south)
        float[] nn = new float[w.rows]; // weight of the south cell
        for (int r = 0; r < w.rows; r++) {
            float y = unnormalize(normalized(w.y0 + r, by0, by1), maskH);
            float f = (float) Math.floor(y);
            yn[r] = Float.isNaN(y) ? Integer.MIN_VALUE / 2 : (int) f;
            nn[r] = y - f;
            ns[r] = 1f - nn[r];
        }
        int base = k * maskH * maskW;
        float[] out = new float[w.rows * w.cols];
        for (int r = 0; r < w.rows; r++) {
            int n = yn[r];
            int s = n + 1;
            boolean nIn = n >= 0 && n < maskH;
            boolean sIn = s >= 0 && s < maskH;
            for (int c = 0; c < w.cols; c++) {
                int west = xw[c];
                int east = west + 1;
                boolean wIn = west >= 0 && west < maskW;
                boolean eIn = east >= 0 && east < maskW;
                float nwVal = nIn && wIn ? probs[base + n * maskW + west] : 0f;
                float neVal = nIn && eIn ? probs[base + n * maskW + east] : 0f;
                float swVal = sIn && wIn ? probs[base + s * maskW + west] : 0f;
                float seVal = sIn && eIn ? probs[base + s * maskW + east] : 0f;
                float nw = ns[r] * we[c];
                float ne = ns[r] * ww[c];
                float sw = nn[r] * we[c];
                float se = nn[r] * ww[c];
                out[r * w.cols + c] = nwVal * nw + neVal * ne + swVal * sw + seVal * se;
            }
        }
        return out;
    }

    /** mmdetection's grid: {@code (i + 0.5 - lo) / (hi - lo) * 2 - 1}, an infinite value set to 0. */
    private static float normalized(int pixel, float lo, float hi) {
        float g = (pixel + 0.5f - lo) / (hi - lo) * 2f - 1f;
        return Float.isInfinite(g) ? 0f : g;
    }

    /** grid_sample's unnormalisation without corner alignment: {@code (g + 1) * size / 2 - 0.5}. */
    private static float unnormalize(float g, int size) {
        return (g + 1f) * (size / 2f) - 0.5f;
    }
}
