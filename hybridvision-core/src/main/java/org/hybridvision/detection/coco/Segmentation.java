package org.hybridvision.detection.coco;

/**
 * An instance mask as a COCO annotation stores it: {@link Polygons} (one or more outlines, the usual form for single
 * objects) or an {@link Rle} run-length encoding (the form of crowd regions and of predicted masks). Both rasterise to
 * an {@link Rle} at the image's size, which is what mask IoU, areas and the {@code segm} metric work on.
 */
public sealed interface Segmentation permits Polygons, Rle {

    /**
     * The mask as a run-length encoding at the image's size, exactly as pycocotools' {@code annToRLE} makes it
     * (polygons rasterised one by one and merged; an RLE returned as it is).
     *
     * @param height image height in pixels
     * @param width image width in pixels
     * @return the mask
     * @throws IllegalArgumentException when this is an RLE of another size
     */
    Rle toRle(int height, int width);
}
