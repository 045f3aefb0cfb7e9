package org.hybridvision.detection.coco;

/**
 * One entry of a COCO file's {@code categories} list. COCO's own ids run 1..90 with gaps (80 are used); a
 * {@link LabelMap} maps them to the contiguous labels 0..K-1 that classifiers and detector heads use.
 *
 * @param id the category id annotations refer to
 * @param name the class name (for example {@code "person"})
 * @param supercategory the group it belongs to (for example {@code "animal"}); empty when the file has none
 */
public record CocoCategory(int id, String name, String supercategory) {
    /** Checks the fields. */
    public CocoCategory {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("category " + id + " has no name");
        }
        if (supercategory == null) {
            supercategory = "";
        }
    }
}
