package org.hybridvision.detection.coco;

/**
 * One entry of a COCO file's {@code images} list.
 *
 * @param id the image id annotations refer to
 * @param fileName the file name, relative to the image folder (may contain sub-folders)
 * @param width width in pixels, positive
 * @param height height in pixels, positive
 */
public record CocoImage(long id, String fileName, int width, int height) {
    /** Checks the fields. */
    public CocoImage {
        if (fileName == null || fileName.isEmpty()) {
            throw new IllegalArgumentException("image " + id + " has no file name");
        }
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image " + id + " has size " + width + " x " + height
                    + ": width and height must be positive");
        }
    }
}
