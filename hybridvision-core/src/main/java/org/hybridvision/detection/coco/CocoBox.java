package org.hybridvision.detection.coco;

/**
 * An axis-aligned box in COCO's convention: top-left corner {@code (x, y)} and size {@code width x height}, in pixels,
 * continuous coordinates (a box covering exactly pixel column 0 has {@code x = 0, width = 1}).
 *
 * <p>{@link #iou(CocoBox, CocoBox, boolean)} is the COCO metric's box overlap (no "+1" on sizes, unlike the
 * PASCAL VOC convention). Detection code that works in corner form converts with {@link #toXyxy()} and
 * {@link #fromXyxy(double, double, double, double)}.
 *
 * @param x left edge
 * @param y top edge
 * @param width width (may be zero or negative in input files; see {@link #isEmpty()})
 * @param height height
 */
public record CocoBox(double x, double y, double width, double height) {

    /**
     * @param x1 left edge
     * @param y1 top edge
     * @param x2 right edge
     * @param y2 bottom edge
     * @return the box with these corners
     */
    public static CocoBox fromXyxy(double x1, double y1, double x2, double y2) {
        return new CocoBox(x1, y1, x2 - x1, y2 - y1);
    }

    /** @return the right edge, {@code x + width} */
    public double x2() {
        return x + width;
    }

    /** @return the bottom edge, {@code y + height} */
    public double y2() {
        return y + height;
    }

    /** @return {@code width * height} (what the COCO tools take as the area of a box-only detection) */
    public double area() {
        return width * height;
    }

    /** @return true when the width or the height is not positive */
    public boolean isEmpty() {
        return !(width > 0 && height > 0);
    }

    /** @return true when all four numbers are finite */
    public boolean isFinite() {
        return Double.isFinite(x) && Double.isFinite(y) && Double.isFinite(width) && Double.isFinite(height);
    }

    /** @return {@code {x1, y1, x2, y2}} */
    public double[] toXyxy() {
        return new double[] {x, y, x + width, y + height};
    }

    /** @return {@code {x, y, width, height}}, the order of a COCO {@code bbox} array */
    public double[] toArray() {
        return new double[] {x, y, width, height};
    }

    /**
     * @param imageWidth image width in pixels
     * @param imageHeight image height in pixels
     * @return true when the box lies within {@code [0, imageWidth] x [0, imageHeight]}
     */
    public boolean isInside(int imageWidth, int imageHeight) {
        return x >= 0 && y >= 0 && x + width <= imageWidth && y + height <= imageHeight;
    }

    /**
     * @param imageWidth image width in pixels
     * @param imageHeight image height in pixels
     * @return the part of the box inside {@code [0, imageWidth] x [0, imageHeight]} (empty, with zero width or height,
     *     when the box lies wholly outside)
     */
    public CocoBox clip(int imageWidth, int imageHeight) {
        double x1 = Math.min(Math.max(x, 0), imageWidth);
        double y1 = Math.min(Math.max(y, 0), imageHeight);
        double x2 = Math.min(Math.max(x + width, 0), imageWidth);
        double y2 = Math.min(Math.max(y + height, 0), imageHeight);
        return new CocoBox(x1, y1, Math.max(0, x2 - x1), Math.max(0, y2 - y1));
    }

    /**
     * The COCO metric's box overlap (pycocotools {@code maskUtils.iou} on boxes). For an ordinary ground truth it is
     * intersection over union; for a crowd ground truth the denominator is the detection's own area, so a detection
     * lying inside a crowd region overlaps it fully whatever the region's size.
     *
     * @param detection the detected box
     * @param groundTruth the ground-truth box
     * @param crowd whether the ground truth is a crowd region ({@code iscrowd = 1})
     * @return the overlap in [0, 1] (0 when the boxes do not intersect)
     */
    public static double iou(CocoBox detection, CocoBox groundTruth, boolean crowd) {
        double w = Math.min(detection.x + detection.width, groundTruth.x + groundTruth.width)
                - Math.max(detection.x, groundTruth.x);
        if (w <= 0) {
            return 0;
        }
        double h = Math.min(detection.y + detection.height, groundTruth.y + groundTruth.height)
                - Math.max(detection.y, groundTruth.y);
        if (h <= 0) {
            return 0;
        }
        double inter = w * h;
        double da = detection.width * detection.height;
        double union = crowd ? da : da + groundTruth.width * groundTruth.height - inter;
        return inter / union;
    }
}
