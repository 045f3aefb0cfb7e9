package org.hybridvision.detection.coco;

/**
 * One object instance of a COCO file's {@code annotations} list.
 *
 * @param id annotation id, unique in the file
 * @param imageId the {@link CocoImage#id()} it belongs to
 * @param categoryId the {@link CocoCategory#id()} of its class
 * @param bbox its box ({@code [x, y, width, height]})
 * @param area its area in pixels as the file states it; COCO computes it from the mask, and the metric's
 *     small / medium / large split reads this number (not the box's area)
 * @param crowd {@code iscrowd = 1}: a region of many objects (one RLE mask); the metric ignores detections that fall
 *     on it instead of counting them as false positives
 * @param segmentation its mask as {@link Polygons} or {@link Rle}, or null when the file gives none
 */
public record CocoAnnotation(long id, long imageId, int categoryId, CocoBox bbox, double area, boolean crowd,
        Segmentation segmentation) {

    /** Checks that the box is given. */
    public CocoAnnotation {
        if (bbox == null) {
            throw new IllegalArgumentException("annotation " + id + " has no box");
        }
    }

    /** @return true when the annotation has a mask */
    public boolean hasSegmentation() {
        return segmentation != null;
    }

    /**
     * @param box the new box
     * @return this annotation with another box
     */
    public CocoAnnotation withBox(CocoBox box) {
        return new CocoAnnotation(id, imageId, categoryId, box, area, crowd, segmentation);
    }
}
