package org.hybridvision.detection.coco;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The contiguous labels a detector's classifier uses, mapped to and from COCO category ids.
 *
 * <p>Labels 0..K-1 follow the categories in ascending id order (for COCO itself: id 1 {@code person} is label 0,
 * id 90 {@code toothbrush} is label 79; the gaps in COCO's ids disappear). This is the order of the file's
 * {@code categories} list in COCO's own files and the order the COCO metric sorts categories in.
 * There is no background label here: a detector that needs one adds it on its side.
 *
 * <p>Immutable.
 */
public final class LabelMap {
    private final List<CocoCategory> categories;
    private final Map<Integer, Integer> labelOfId;

    /**
     * @param categories the categories, any order (sorted here by id)
     * @throws IllegalArgumentException when two categories share an id
     */
    public LabelMap(List<CocoCategory> categories) {
        List<CocoCategory> sorted = new ArrayList<>(categories);
        sorted.sort((a, b) -> Integer.compare(a.id(), b.id()));
        Map<Integer, Integer> map = new HashMap<>();
        for (int i = 0; i < sorted.size(); i++) {
            if (map.put(sorted.get(i).id(), i) != null) {
                throw new IllegalArgumentException("category id " + sorted.get(i).id() + " appears twice");
            }
        }
        this.categories = Collections.unmodifiableList(sorted);
        this.labelOfId = map;
    }

    /** @return K, the number of labels */
    public int size() {
        return categories.size();
    }

    /**
     * @param categoryId a COCO category id
     * @return its label in 0..K-1
     * @throws IllegalArgumentException when the id is not a category of this map
     */
    public int label(int categoryId) {
        Integer l = labelOfId.get(categoryId);
        if (l == null) {
            throw new IllegalArgumentException("category id " + categoryId + " is not one of the " + size()
                    + " categories (ids " + ids() + ")");
        }
        return l;
    }

    /**
     * @param categoryId a COCO category id
     * @return true when it is a category of this map
     */
    public boolean contains(int categoryId) {
        return labelOfId.containsKey(categoryId);
    }

    /**
     * @param label a label in 0..K-1
     * @return its COCO category id
     */
    public int categoryId(int label) {
        return category(label).id();
    }

    /**
     * @param label a label in 0..K-1
     * @return its category
     * @throws IllegalArgumentException when the label is out of range
     */
    public CocoCategory category(int label) {
        if (label < 0 || label >= categories.size()) {
            throw new IllegalArgumentException("label " + label + " is out of range 0.." + (categories.size() - 1));
        }
        return categories.get(label);
    }

    /** @return the categories in label order */
    public List<CocoCategory> categories() {
        return categories;
    }

    /** @return the class names in label order */
    public List<String> names() {
        List<String> names = new ArrayList<>(categories.size());
        for (CocoCategory c : categories) {
            names.add(c.name());
        }
        return names;
    }

    /** @return the category ids in label order */
    public List<Integer> ids() {
        List<Integer> ids = new ArrayList<>(categories.size());
        for (CocoCategory c : categories) {
            ids.add(c.id());
        }
        return ids;
    }

    @Override
    public String toString() {
        return "LabelMap[" + size() + " labels]";
    }
}
