package org.hybridvision.detection.coco;

/**
 * One problem the reader found in an annotation file, and what it did about it.
 *
 * @param kind what is wrong
 * @param action what the reader did
 * @param imageId the image concerned, {@link #NONE} for a category entry
 * @param annotationId the annotation concerned, {@link #NONE} for an image or category entry
 * @param detail a sentence for a person (values found, limits)
 */
public record CocoIssue(Kind kind, Action action, long imageId, long annotationId, String detail) {

    /** Marks an id that does not apply. */
    public static final long NONE = Long.MIN_VALUE;

    /** What is wrong. */
    public enum Kind {
        /** The box extends past the image border, or lies wholly outside it. */
        BOX_OUTSIDE_IMAGE("box outside the image"),
        /** The box has zero or negative width or height. */
        EMPTY_BOX("empty box"),
        /** The {@code area} is zero, negative or not a number. */
        NON_POSITIVE_AREA("area not positive"),
        /** The {@code category_id} is not in the file's categories. */
        UNKNOWN_CATEGORY("unknown category"),
        /** The {@code image_id} is not in the file's images. */
        UNKNOWN_IMAGE("unknown image"),
        /** The image's file is not in the image folder. */
        MISSING_IMAGE_FILE("missing image file"),
        /** The {@code segmentation} is neither valid polygons nor a valid RLE of the image's size. */
        MALFORMED_SEGMENTATION("malformed segmentation"),
        /** A required field of an annotation is missing or of the wrong type (id, image_id, bbox, ...). */
        MALFORMED_ANNOTATION("malformed annotation"),
        /** An image entry lacks its id, file name or a positive size. */
        MALFORMED_IMAGE("malformed image entry"),
        /** A category entry lacks its id or name. */
        MALFORMED_CATEGORY("malformed category entry"),
        /** A second image, category or annotation with an id already used. */
        DUPLICATE_ID("duplicate id");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** @return a few words for a person */
        public String label() {
            return label;
        }
    }

    /** What the reader did. */
    public enum Action {
        /** Left out (for an image: with all its annotations). */
        SKIPPED("skipped"),
        /** Kept with its box clipped to the image. */
        CLIPPED("clipped"),
        /** Kept with the bad part removed or the missing part derived (said in the detail). */
        REPAIRED("repaired"),
        /** Kept as it is (evaluation mode: the COCO metric scores it as given). */
        KEPT("kept"),
        /** Kept without its mask (evaluation mode). */
        MASK_DROPPED("mask dropped");

        private final String label;

        Action(String label) {
            this.label = label;
        }

        /** @return a word or two for a person */
        public String label() {
            return label;
        }
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        if (imageId != NONE) {
            s.append("image ").append(imageId);
        }
        if (annotationId != NONE) {
            s.append(s.length() > 0 ? ", " : "").append("annotation ").append(annotationId);
        }
        if (s.length() > 0) {
            s.append(": ");
        }
        return s.append(kind.label()).append(", ").append(action.label()).append(" (").append(detail).append(')')
                .toString();
    }
}
