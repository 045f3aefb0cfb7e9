package org.hybridvision.detection.coco;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A COCO instances file in memory: images, categories and annotations, indexed, with the {@link CocoReport} of what
 * reading it found.
 *
 * <p>Made by {@link CocoReader} (see there for what is validated, skipped or clipped; {@link #read(Path)} and
 * {@link #read(Path, Path)} are the common calls) or built in code with {@link #builder()}, and written back with
 * {@link CocoWriter}. Images keep the file's order; categories are in ascending id order, which is also
 * {@link #labels()}' label order; annotations keep the file's order, overall and per image.
 *
 * <p>Immutable and thread-safe.
 */
public final class CocoDataset {
    private final JsonObject info;
    private final JsonArray licenses;
    private final List<CocoImage> images;
    private final List<CocoCategory> categories;
    private final List<CocoAnnotation> annotations;
    private final Map<Long, CocoImage> imageById;
    private final Map<Integer, CocoCategory> categoryById;
    private final Map<Long, List<CocoAnnotation>> annotationsByImage;
    private final LabelMap labels;
    private final CocoReport report;

    /**
     * Checked assembly; used by the reader (after validation) and the builder.
     *
     * @throws IllegalArgumentException on duplicate ids or an annotation naming an unknown image or category
     */
    CocoDataset(JsonObject info, JsonArray licenses, List<CocoImage> images, List<CocoCategory> categories,
            List<CocoAnnotation> annotations, CocoReport report) {
        this.info = info == null ? new JsonObject() : info.deepCopy();
        this.licenses = licenses == null ? new JsonArray() : licenses.deepCopy();
        this.labels = new LabelMap(categories);
        this.categories = labels.categories();
        Map<Integer, CocoCategory> cats = new HashMap<>();
        for (CocoCategory c : this.categories) {
            cats.put(c.id(), c);
        }
        Map<Long, CocoImage> byId = new LinkedHashMap<>();
        for (CocoImage im : images) {
            if (byId.put(im.id(), im) != null) {
                throw new IllegalArgumentException("image id " + im.id() + " appears twice");
            }
        }
        Map<Long, List<CocoAnnotation>> byImage = new HashMap<>();
        java.util.Set<Long> annIds = new java.util.HashSet<>();
        for (CocoAnnotation a : annotations) {
            if (!annIds.add(a.id())) {
                throw new IllegalArgumentException("annotation id " + a.id() + " appears twice");
            }
            if (!byId.containsKey(a.imageId())) {
                throw new IllegalArgumentException("annotation " + a.id() + " refers to image " + a.imageId()
                        + ", which is not in the data set");
            }
            if (!cats.containsKey(a.categoryId())) {
                throw new IllegalArgumentException("annotation " + a.id() + " has category " + a.categoryId()
                        + ", which is not in the data set");
            }
            byImage.computeIfAbsent(a.imageId(), k -> new ArrayList<>()).add(a);
        }
        byImage.replaceAll((k, v) -> Collections.unmodifiableList(v));
        this.images = List.copyOf(images);
        this.annotations = List.copyOf(annotations);
        this.imageById = byId;
        this.categoryById = cats;
        this.annotationsByImage = byImage;
        this.report = report != null ? report
                : CocoReport.clean("(in memory)", images.size(), annotations.size(), categories.size());
    }

    /**
     * Reads an annotation file for training: bad annotations are reported and skipped, boxes crossing the border
     * clipped ({@link CocoReader#forTraining()}). Image files are not checked.
     *
     * @param annotationFile an {@code instances_*.json} file
     * @return the data set, with its report
     * @throws CocoFormatException when the file as a whole cannot be read
     */
    public static CocoDataset read(Path annotationFile) {
        return CocoReader.forTraining().read(annotationFile);
    }

    /**
     * As {@link #read(Path)}, and also drops images whose file is missing from {@code imageDir}.
     *
     * @param annotationFile an {@code instances_*.json} file
     * @param imageDir the folder that {@code file_name}s are relative to
     * @return the data set, with its report
     * @throws CocoFormatException when the file as a whole cannot be read
     */
    public static CocoDataset read(Path annotationFile, Path imageDir) {
        return CocoReader.forTraining().withImageDir(imageDir).read(annotationFile);
    }

    /** @return a builder for a data set made in code */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the images, in file order */
    public List<CocoImage> images() {
        return images;
    }

    /** @return the categories, in ascending id order (= label order) */
    public List<CocoCategory> categories() {
        return categories;
    }

    /** @return every annotation, in file order */
    public List<CocoAnnotation> annotations() {
        return annotations;
    }

    /**
     * @param imageId an image id
     * @return the image, if present
     */
    public Optional<CocoImage> findImage(long imageId) {
        return Optional.ofNullable(imageById.get(imageId));
    }

    /**
     * @param imageId an image id
     * @return the image
     * @throws IllegalArgumentException when there is no such image
     */
    public CocoImage image(long imageId) {
        CocoImage im = imageById.get(imageId);
        if (im == null) {
            throw new IllegalArgumentException("no image with id " + imageId + " in the data set");
        }
        return im;
    }

    /**
     * @param categoryId a category id
     * @return the category
     * @throws IllegalArgumentException when there is no such category
     */
    public CocoCategory category(int categoryId) {
        CocoCategory c = categoryById.get(categoryId);
        if (c == null) {
            throw new IllegalArgumentException("no category with id " + categoryId + " in the data set");
        }
        return c;
    }

    /**
     * @param imageId an image id
     * @return its annotations in file order (empty for an image without objects or an unknown id)
     */
    public List<CocoAnnotation> annotationsOf(long imageId) {
        return annotationsByImage.getOrDefault(imageId, List.of());
    }

    /** @return the contiguous label mapping of the categories */
    public LabelMap labels() {
        return labels;
    }

    /** @return what reading found (clean for a data set built in code) */
    public CocoReport report() {
        return report;
    }

    /** @return the file's {@code info} object (a copy; empty when absent) */
    public JsonObject info() {
        return info.deepCopy();
    }

    /** @return the file's {@code licenses} list (a copy; empty when absent) */
    public JsonArray licenses() {
        return licenses.deepCopy();
    }

    /**
     * The annotation's mask at its image's size, rasterised as the COCO tools do.
     *
     * @param annotation an annotation of this data set
     * @return its mask, or null when it has no segmentation
     */
    public Rle mask(CocoAnnotation annotation) {
        if (annotation.segmentation() == null) {
            return null;
        }
        CocoImage im = image(annotation.imageId());
        return annotation.segmentation().toRle(im.height(), im.width());
    }

    /**
     * Writes this data set as an instances file ({@link CocoWriter}, compressed RLE counts).
     *
     * @param file the destination
     */
    public void write(Path file) {
        CocoWriter.create().write(this, file);
    }

    @Override
    public String toString() {
        return "CocoDataset[" + images.size() + " images, " + annotations.size() + " annotations, "
                + categories.size() + " categories]";
    }

    /**
     * Assembles a data set in code (tests, generated data). {@link #build()} checks that ids are unique and that
     * every annotation refers to an added image and category; nothing else is validated.
     */
    public static final class Builder {
        private JsonObject info;
        private JsonArray licenses;
        private final List<CocoImage> images = new ArrayList<>();
        private final List<CocoCategory> categories = new ArrayList<>();
        private final List<CocoAnnotation> annotations = new ArrayList<>();

        private Builder() {
        }

        /**
         * @param info the {@code info} object to write
         * @return this
         */
        public Builder info(JsonObject info) {
            this.info = info;
            return this;
        }

        /**
         * @param licenses the {@code licenses} list to write
         * @return this
         */
        public Builder licenses(JsonArray licenses) {
            this.licenses = licenses;
            return this;
        }

        /**
         * @param image an image
         * @return this
         */
        public Builder addImage(CocoImage image) {
            images.add(image);
            return this;
        }

        /**
         * @param category a category
         * @return this
         */
        public Builder addCategory(CocoCategory category) {
            categories.add(category);
            return this;
        }

        /**
         * @param annotation an annotation
         * @return this
         */
        public Builder addAnnotation(CocoAnnotation annotation) {
            annotations.add(annotation);
            return this;
        }

        /**
         * @return the data set
         * @throws IllegalArgumentException on duplicate ids or dangling references
         */
        public CocoDataset build() {
            return new CocoDataset(info, licenses, images, categories, annotations, null);
        }
    }
}
