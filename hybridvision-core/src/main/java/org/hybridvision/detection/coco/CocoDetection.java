package org.hybridvision.detection.coco;

/**
 * One detection in the COCO results format: an image, a category, a score, and a box and/or an instance mask.
 *
 * <p>{@code area} is what the metric compares with its area ranges for a detection that matches nothing; the
 * factories set it as pycocotools' {@code loadRes} does: the box's {@code w * h} when there is a box, else the mask's
 * pixel count.
 *
 * @param imageId the image
 * @param categoryId the COCO category id (not a contiguous label: see {@link LabelMap#categoryId(int)})
 * @param bbox the box, or null for a mask-only result
 * @param score the confidence; detections are ranked by it
 * @param segmentation the mask at the image's size, or null for a box-only result
 * @param area see above
 */
public record CocoDetection(long imageId, int categoryId, CocoBox bbox, double score, Rle segmentation,
        double area) {

    /** Checks that there is a box or a mask and that the score is a number. */
    public CocoDetection {
        if (bbox == null && segmentation == null) {
            throw new IllegalArgumentException("a detection needs a box or a mask (image " + imageId + ")");
        }
        if (Double.isNaN(score)) {
            throw new IllegalArgumentException("detection score is NaN (image " + imageId + ")");
        }
    }

    /**
     * @param imageId the image
     * @param categoryId the COCO category id
     * @param bbox the box
     * @param score the confidence
     * @return a box detection
     */
    public static CocoDetection ofBox(long imageId, int categoryId, CocoBox bbox, double score) {
        return new CocoDetection(imageId, categoryId, bbox, score, null, bbox.area());
    }

    /**
     * @param imageId the image
     * @param categoryId the COCO category id
     * @param bbox the box (null: none)
     * @param mask the mask (null: none)
     * @param score the confidence
     * @return a detection with the area the COCO tools give it
     */
    public static CocoDetection of(long imageId, int categoryId, CocoBox bbox, Rle mask, double score) {
        return new CocoDetection(imageId, categoryId, bbox, score, mask,
                bbox != null ? bbox.area() : mask.area());
    }

    /** @return the box, or the mask's tight box when there is none */
    public CocoBox boxOrMaskBox() {
        return bbox != null ? bbox : segmentation.boundingBox();
    }
}
