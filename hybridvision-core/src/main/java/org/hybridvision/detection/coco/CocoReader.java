package org.hybridvision.detection.coco;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a COCO instances file ({@code instances_*.json}) into a {@link CocoDataset}, validating every entry.
 *
 * <p>A file that cannot be read as a whole (not JSON, truncated, no {@code images} or {@code categories} list) fails
 * with a {@link CocoFormatException} naming the file and the position. Bad entries never fail the file: each is
 * reported as a {@link CocoIssue} with its image id in {@link CocoDataset#report()}, and handled as follows.
 *
 * <table>
 * <caption>What is checked and what is done</caption>
 * <tr><th>problem</th><th>{@link Mode#TRAINING} (default)</th><th>{@link Mode#EVALUATION}</th></tr>
 * <tr><td>box crosses the image border</td><td>clipped to the image</td><td>kept as given</td></tr>
 * <tr><td>box wholly outside the image</td><td>skipped</td><td>kept as given</td></tr>
 * <tr><td>box with zero/negative width or height</td><td>skipped</td><td>kept as given</td></tr>
 * <tr><td>{@code area} zero, negative or NaN</td><td>skipped</td><td>kept as given</td></tr>
 * <tr><td>unknown {@code category_id} or {@code image_id}</td><td>skipped</td><td>skipped</td></tr>
 * <tr><td>malformed segmentation (odd or too few polygon numbers, non-finite coordinates, RLE whose size differs
 *     from the image's or whose counts do not cover it, bad compressed string)</td>
 *     <td>skipped (bad outlines of a multi-part polygon are dropped and the rest kept)</td>
 *     <td>kept without its mask</td></tr>
 * <tr><td>missing or mistyped required field ({@code id}, {@code image_id}, {@code category_id}, both {@code bbox}
 *     and {@code segmentation})</td><td>skipped</td><td>skipped</td></tr>
 * <tr><td>image without id, file name or positive size; image file missing from the image folder (checked only
 *     when one is given)</td><td>image skipped with its annotations</td><td>same</td></tr>
 * <tr><td>repeated id (image, category or annotation)</td><td>the later entry skipped</td><td>same</td></tr>
 * </table>
 *
 * <p>Why clip rather than reject a box that crosses the border: the object is in the image; only its box
 * overshoots (rounding in the tool that drew it, or a box dragged past the edge), and the part inside is exactly
 * what a detector can see and what its anchors are matched against. Rejecting it would teach the detector that
 * the object is background. A box wholly outside, or with no width or height, has nothing to learn from and is
 * rejected. In evaluation mode nothing is altered, so that scores equal the COCO tools', which use the file as
 * given; the issues are still reported.
 *
 * <p>Repairs made in both modes, each reported: a missing {@code bbox} is derived from the segmentation (the
 * polygons' vertex extent or the RLE's box). A missing {@code area} is computed without a report: the rasterised
 * mask's area when there is a segmentation, else the box's. A missing {@code iscrowd} means 0.
 *
 * <p>Instances are immutable and can be shared.
 */
public final class CocoReader {

    /** How bad entries are handled (see the class comment's table). */
    public enum Mode {
        /** Clean data for training: clip what can be clipped, skip what is unusable. */
        TRAINING,
        /** The ground truth exactly as the COCO metric would use it: report, alter nothing it can score. */
        EVALUATION
    }

    /** Polygon coordinates beyond this many pixels are refused (they could not be rasterised in memory). */
    private static final double MAX_COORDINATE = 1e6;

    private final Mode mode;
    private final Path imageDir;

    private CocoReader(Mode mode, Path imageDir) {
        this.mode = mode;
        this.imageDir = imageDir;
    }

    /** @return a reader for training data ({@link Mode#TRAINING}) that does not look at image files */
    public static CocoReader forTraining() {
        return new CocoReader(Mode.TRAINING, null);
    }

    /** @return a reader for ground truth to score against ({@link Mode#EVALUATION}) */
    public static CocoReader forEvaluation() {
        return new CocoReader(Mode.EVALUATION, null);
    }

    /**
     * @param dir the folder that {@code file_name}s are relative to; images whose file is not there are dropped
     * @return a reader like this one that also checks image files
     */
    public CocoReader withImageDir(Path dir) {
        return new CocoReader(mode, dir);
    }

    /** @return the mode */
    public Mode mode() {
        return mode;
    }

    /**
     * @param file an instances file
     * @return the data set with its report
     * @throws CocoFormatException when the file as a whole cannot be read
     * @throws org.hybridvision.HybridVisionException when the image folder is given but is not a folder
     */
    public CocoDataset read(Path file) {
        if (imageDir != null && !Files.isDirectory(imageDir)) {
            throw new org.hybridvision.HybridVisionException("Image folder " + imageDir + " does not exist or is not "
                    + "a folder: pass the folder the annotation file's file_names are relative to.");
        }
        CocoJson.Instances raw = CocoJson.readInstances(file);
        Validation v = new Validation();
        List<CocoCategory> categories = v.categories(raw.categories);
        Map<Long, CocoImage> images = v.images(raw.images);
        List<CocoAnnotation> annotations = v.annotations(raw.annotations, images, categories);
        List<CocoIssue> issues = v.finish();
        CocoReport report = new CocoReport(file.getFileName().toString(), images.size(), annotations.size(),
                categories.size(), issues);
        return new CocoDataset(raw.info, raw.licenses, new ArrayList<>(images.values()), categories, annotations,
                report);
    }

    /** One pass over the raw entries, collecting issues. */
    private final class Validation {
        private final List<CocoIssue> imageIssues = new ArrayList<>();
        private final List<CocoIssue> annotationIssues = new ArrayList<>();
        /** Images dropped, with the reason, and how many annotations went with them. */
        private final Map<Long, String[]> droppedImages = new LinkedHashMap<>();
        private final Map<Long, Integer> annotationsOfDropped = new HashMap<>();

        List<CocoCategory> categories(List<JsonElement> raw) {
            List<CocoCategory> out = new ArrayList<>();
            Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < raw.size(); i++) {
                JsonElement e = raw.get(i);
                try {
                    JsonObject o = object(e, "category");
                    int id = (int) integer(o, "id", Integer.MIN_VALUE, Integer.MAX_VALUE);
                    String name = string(o, "name");
                    String sup = o.has("supercategory") && o.get("supercategory").isJsonPrimitive()
                            ? o.get("supercategory").getAsString() : "";
                    if (!seen.add(id)) {
                        imageIssues.add(new CocoIssue(CocoIssue.Kind.DUPLICATE_ID, CocoIssue.Action.SKIPPED,
                                CocoIssue.NONE, CocoIssue.NONE, "category id " + id + " (\"" + name
                                + "\") appears again as categories[" + i + "]"));
                        continue;
                    }
                    out.add(new CocoCategory(id, name, sup));
                } catch (IllegalArgumentException ex) {
                    imageIssues.add(new CocoIssue(CocoIssue.Kind.MALFORMED_CATEGORY, CocoIssue.Action.SKIPPED,
                            CocoIssue.NONE, CocoIssue.NONE, "categories[" + i + "]: " + ex.getMessage()));
                }
            }
            return out;
        }

        Map<Long, CocoImage> images(List<JsonElement> raw) {
            Map<Long, CocoImage> out = new LinkedHashMap<>();
            for (int i = 0; i < raw.size(); i++) {
                JsonElement e = raw.get(i);
                long id = CocoIssue.NONE;
                try {
                    JsonObject o = object(e, "image");
                    id = integer(o, "id", Long.MIN_VALUE + 1, Long.MAX_VALUE);
                    if (out.containsKey(id) || droppedImages.containsKey(id)) {
                        imageIssues.add(new CocoIssue(CocoIssue.Kind.DUPLICATE_ID, CocoIssue.Action.SKIPPED, id,
                                CocoIssue.NONE, "image id " + id + " appears again as images[" + i + "]; the first "
                                + "entry is kept"));
                        continue;
                    }
                    String fileName = string(o, "file_name");
                    int w = (int) integer(o, "width", 1, Integer.MAX_VALUE);
                    int h = (int) integer(o, "height", 1, Integer.MAX_VALUE);
                    CocoImage im = new CocoImage(id, fileName, w, h);
                    if (imageDir != null && !Files.isRegularFile(imageDir.resolve(fileName))) {
                        drop(id, CocoIssue.Kind.MISSING_IMAGE_FILE, "file " + fileName + " is not in " + imageDir);
                        continue;
                    }
                    out.put(id, im);
                } catch (IllegalArgumentException ex) {
                    if (id == CocoIssue.NONE) {
                        imageIssues.add(new CocoIssue(CocoIssue.Kind.MALFORMED_IMAGE, CocoIssue.Action.SKIPPED,
                                CocoIssue.NONE, CocoIssue.NONE, "images[" + i + "]: " + ex.getMessage()));
                    } else {
                        drop(id, CocoIssue.Kind.MALFORMED_IMAGE, "images[" + i + "]: " + ex.getMessage());
                    }
                }
            }
            return out;
        }

        private void drop(long imageId, CocoIssue.Kind kind, String why) {
            droppedImages.put(imageId, new String[] {kind.name(), why});
        }

        List<CocoAnnotation> annotations(List<JsonElement> raw, Map<Long, CocoImage> images,
                List<CocoCategory> categories) {
            Set<Integer> categoryIds = new HashSet<>();
            for (CocoCategory c : categories) {
                categoryIds.add(c.id());
            }
            Set<Long> seen = new HashSet<>();
            List<CocoAnnotation> out = new ArrayList<>();
            for (int i = 0; i < raw.size(); i++) {
                CocoAnnotation a = annotation(raw.get(i), i, images, categoryIds, seen);
                if (a != null) {
                    out.add(a);
                }
            }
            return out;
        }

        private void issue(CocoIssue.Kind kind, CocoIssue.Action action, long imageId, long annId, String detail) {
            annotationIssues.add(new CocoIssue(kind, action, imageId, annId, detail));
        }

        /** @return the annotation to keep, or null when it is skipped */
        private CocoAnnotation annotation(JsonElement e, int index, Map<Long, CocoImage> images,
                Set<Integer> categoryIds, Set<Long> seen) {
            long id = CocoIssue.NONE;
            long imageId = CocoIssue.NONE;
            JsonObject o;
            int categoryId;
            try {
                o = object(e, "annotation");
                if (o.has("image_id")) {
                    imageId = integer(o, "image_id", Long.MIN_VALUE + 1, Long.MAX_VALUE);
                }
                id = integer(o, "id", Long.MIN_VALUE + 1, Long.MAX_VALUE);
                imageId = integer(o, "image_id", Long.MIN_VALUE + 1, Long.MAX_VALUE);
                categoryId = (int) integer(o, "category_id", Integer.MIN_VALUE, Integer.MAX_VALUE);
            } catch (IllegalArgumentException ex) {
                issue(CocoIssue.Kind.MALFORMED_ANNOTATION, CocoIssue.Action.SKIPPED, imageId, id,
                        "annotations[" + index + "]: " + ex.getMessage());
                return null;
            }
            if (droppedImages.containsKey(imageId)) {
                annotationsOfDropped.merge(imageId, 1, Integer::sum);
                return null;
            }
            CocoImage image = images.get(imageId);
            if (image == null) {
                issue(CocoIssue.Kind.UNKNOWN_IMAGE, CocoIssue.Action.SKIPPED, imageId, id,
                        "image_id " + imageId + " is not in the file's images");
                return null;
            }
            if (!seen.add(id)) {
                issue(CocoIssue.Kind.DUPLICATE_ID, CocoIssue.Action.SKIPPED, imageId, id,
                        "annotation id " + id + " appears again as annotations[" + index + "]; the first is kept");
                return null;
            }
            if (!categoryIds.contains(categoryId)) {
                issue(CocoIssue.Kind.UNKNOWN_CATEGORY, CocoIssue.Action.SKIPPED, imageId, id,
                        "category_id " + categoryId + " is not in the file's categories");
                return null;
            }
            boolean crowd;
            try {
                crowd = crowd(o);
            } catch (IllegalArgumentException ex) {
                issue(CocoIssue.Kind.MALFORMED_ANNOTATION, CocoIssue.Action.SKIPPED, imageId, id, ex.getMessage());
                return null;
            }

            // segmentation
            Segmentation segmentation = null;
            try {
                SegmentationParse parsed = segmentation(o.get("segmentation"), image);
                segmentation = parsed.segmentation;
                if (parsed.repair != null) {
                    if (mode == Mode.TRAINING) {
                        issue(CocoIssue.Kind.MALFORMED_SEGMENTATION, CocoIssue.Action.REPAIRED, imageId, id,
                                parsed.repair);
                    } else {
                        // evaluation keeps the annotation but no mask the COCO tools would not have made
                        issue(CocoIssue.Kind.MALFORMED_SEGMENTATION, CocoIssue.Action.MASK_DROPPED, imageId, id,
                                parsed.repair);
                        segmentation = null;
                    }
                }
            } catch (IllegalArgumentException ex) {
                if (mode == Mode.TRAINING) {
                    issue(CocoIssue.Kind.MALFORMED_SEGMENTATION, CocoIssue.Action.SKIPPED, imageId, id,
                            ex.getMessage());
                    return null;
                }
                issue(CocoIssue.Kind.MALFORMED_SEGMENTATION, CocoIssue.Action.MASK_DROPPED, imageId, id,
                        ex.getMessage());
            }

            // box
            CocoBox box;
            if (o.has("bbox") && !o.get("bbox").isJsonNull()) {
                try {
                    box = box(o.get("bbox"));
                } catch (IllegalArgumentException ex) {
                    issue(CocoIssue.Kind.MALFORMED_ANNOTATION, CocoIssue.Action.SKIPPED, imageId, id,
                            ex.getMessage());
                    return null;
                }
            } else if (segmentation != null) {
                box = segmentation instanceof Polygons p ? p.boundingBox() : ((Rle) segmentation).boundingBox();
                issue(CocoIssue.Kind.MALFORMED_ANNOTATION, CocoIssue.Action.REPAIRED, imageId, id,
                        "no bbox: derived from the segmentation as " + format(box));
            } else {
                issue(CocoIssue.Kind.MALFORMED_ANNOTATION, CocoIssue.Action.SKIPPED, imageId, id,
                        "neither a bbox nor a segmentation");
                return null;
            }
            boolean keep = mode == Mode.EVALUATION;
            if (box.isEmpty()) {
                issue(CocoIssue.Kind.EMPTY_BOX, keep ? CocoIssue.Action.KEPT : CocoIssue.Action.SKIPPED, imageId,
                        id, "bbox " + format(box) + " has no width or height");
                if (!keep) {
                    return null;
                }
            } else if (!box.isInside(image.width(), image.height())) {
                CocoBox clipped = box.clip(image.width(), image.height());
                String where = "bbox " + format(box) + " extends past the " + image.width() + " x " + image.height()
                        + " image";
                if (keep) {
                    issue(CocoIssue.Kind.BOX_OUTSIDE_IMAGE, CocoIssue.Action.KEPT, imageId, id, where);
                } else if (clipped.isEmpty()) {
                    issue(CocoIssue.Kind.BOX_OUTSIDE_IMAGE, CocoIssue.Action.SKIPPED, imageId, id,
                            "bbox " + format(box) + " lies outside the " + image.width() + " x " + image.height()
                            + " image");
                    return null;
                } else {
                    issue(CocoIssue.Kind.BOX_OUTSIDE_IMAGE, CocoIssue.Action.CLIPPED, imageId, id,
                            where + "; clipped to " + format(clipped));
                    box = clipped;
                }
            }

            // area
            double area;
            JsonElement areaEl = o.get("area");
            if (areaEl == null || areaEl.isJsonNull()) {
                area = segmentation != null ? segmentation.toRle(image.height(), image.width()).area() : box.area();
            } else {
                try {
                    area = number(areaEl, "area");
                } catch (IllegalArgumentException ex) {
                    area = Double.NaN;
                }
                if (!(area > 0)) {
                    issue(CocoIssue.Kind.NON_POSITIVE_AREA, keep ? CocoIssue.Action.KEPT : CocoIssue.Action.SKIPPED,
                            imageId, id, "area is " + areaEl);
                    if (!keep) {
                        return null;
                    }
                }
            }
            return new CocoAnnotation(id, imageId, categoryId, box, area, crowd, segmentation);
        }

        List<CocoIssue> finish() {
            List<CocoIssue> all = new ArrayList<>(imageIssues);
            for (Map.Entry<Long, String[]> d : droppedImages.entrySet()) {
                int n = annotationsOfDropped.getOrDefault(d.getKey(), 0);
                all.add(new CocoIssue(CocoIssue.Kind.valueOf(d.getValue()[0]), CocoIssue.Action.SKIPPED, d.getKey(),
                        CocoIssue.NONE, d.getValue()[1] + (n > 0 ? "; its " + n + " annotation(s) skipped too" : "")));
            }
            all.addAll(annotationIssues);
            return all;
        }
    }

    /** A parsed segmentation and, when bad outlines were dropped, what was dropped. */
    private record SegmentationParse(Segmentation segmentation, String repair) {
    }

    /**
     * @return the segmentation (null when absent or an empty list)
     * @throws IllegalArgumentException when it is malformed
     */
    private static SegmentationParse segmentation(JsonElement e, CocoImage image) {
        if (e == null || e.isJsonNull()) {
            return new SegmentationParse(null, null);
        }
        if (e.isJsonArray()) {
            JsonArray list = e.getAsJsonArray();
            if (list.isEmpty()) {
                return new SegmentationParse(null, null);
            }
            List<double[]> rings = new ArrayList<>();
            List<String> dropped = new ArrayList<>();
            for (int r = 0; r < list.size(); r++) {
                JsonElement ring = list.get(r);
                if (!ring.isJsonArray()) {
                    throw new IllegalArgumentException("segmentation must be a list of outlines [[x0, y0, x1, y1, "
                            + "...], ...], but element " + r + " is " + kind(ring));
                }
                JsonArray nums = ring.getAsJsonArray();
                double[] xy = new double[nums.size()];
                String problem = null;
                for (int j = 0; j < xy.length; j++) {
                    JsonElement n = nums.get(j);
                    if (!n.isJsonPrimitive() || !n.getAsJsonPrimitive().isNumber()) {
                        problem = "has a coordinate that is " + kind(n);
                        break;
                    }
                    xy[j] = n.getAsDouble();
                    if (Math.abs(xy[j]) > MAX_COORDINATE) {
                        problem = "has coordinate " + xy[j] + ", absurd for a " + image.width() + " x "
                                + image.height() + " image";
                        break;
                    }
                }
                if (problem == null) {
                    problem = Polygons.problem(xy);
                }
                if (problem != null) {
                    dropped.add("polygon " + r + " " + problem);
                } else {
                    rings.add(xy);
                }
            }
            if (rings.isEmpty()) {
                throw new IllegalArgumentException(String.join("; ", dropped));
            }
            Polygons p = Polygons.of(rings);
            return new SegmentationParse(p, dropped.isEmpty() ? null
                    : String.join("; ", dropped) + "; dropped, " + rings.size() + " outline(s) kept");
        }
        if (e.isJsonObject()) {
            return new SegmentationParse(rle(e.getAsJsonObject(), image.height(), image.width(), "segmentation"),
                    null);
        }
        throw new IllegalArgumentException("segmentation is " + kind(e) + ": expected polygons [[x0, y0, ...], ...] "
                + "or an RLE {\"size\": [h, w], \"counts\": ...}");
    }

    /**
     * Parses an RLE object (compressed or uncompressed counts) and checks it against the image size.
     *
     * @param o the object
     * @param height image height
     * @param width image width
     * @param what the field name for messages
     * @return the RLE
     * @throws IllegalArgumentException when it is malformed or of another size
     */
    static Rle rle(JsonObject o, int height, int width, String what) {
        JsonElement size = o.get("size");
        if (size == null || !size.isJsonArray() || size.getAsJsonArray().size() != 2) {
            throw new IllegalArgumentException(what + " RLE needs \"size\": [height, width]");
        }
        long h = integer(size.getAsJsonArray().get(0), "size[0]", 0, Integer.MAX_VALUE);
        long w = integer(size.getAsJsonArray().get(1), "size[1]", 0, Integer.MAX_VALUE);
        if (h != height || w != width) {
            throw new IllegalArgumentException(what + " RLE has size [" + h + ", " + w + "] but the image is "
                    + height + " x " + width + " (height x width)");
        }
        JsonElement counts = o.get("counts");
        if (counts == null || counts.isJsonNull()) {
            throw new IllegalArgumentException(what + " RLE has no \"counts\"");
        }
        if (counts.isJsonPrimitive() && counts.getAsJsonPrimitive().isString()) {
            return Rle.fromCompressedString(counts.getAsString(), height, width);
        }
        if (counts.isJsonArray()) {
            JsonArray a = counts.getAsJsonArray();
            int[] c = new int[a.size()];
            for (int i = 0; i < c.length; i++) {
                c[i] = (int) integer(a.get(i), "counts[" + i + "]", 0, Integer.MAX_VALUE);
            }
            return Rle.of(height, width, c);
        }
        throw new IllegalArgumentException(what + " RLE counts must be a list of run lengths or a compressed "
                + "string, not " + kind(counts));
    }

    private static boolean crowd(JsonObject o) {
        JsonElement c = o.get("iscrowd");
        if (c == null || c.isJsonNull()) {
            return false;
        }
        if (c.isJsonPrimitive() && c.getAsJsonPrimitive().isBoolean()) {
            return c.getAsBoolean();
        }
        long v = integer(c, "iscrowd", 0, 1);
        return v == 1;
    }

    /**
     * @param e a {@code [x, y, w, h]} list
     * @return the box
     * @throws IllegalArgumentException when it is not four finite numbers
     */
    static CocoBox box(JsonElement e) {
        if (!e.isJsonArray() || e.getAsJsonArray().size() != 4) {
            throw new IllegalArgumentException("bbox must be [x, y, width, height], found " + abbreviate(e));
        }
        JsonArray a = e.getAsJsonArray();
        double[] v = new double[4];
        for (int i = 0; i < 4; i++) {
            v[i] = number(a.get(i), "bbox[" + i + "]");
        }
        return new CocoBox(v[0], v[1], v[2], v[3]);
    }

    private static JsonObject object(JsonElement e, String what) {
        if (!e.isJsonObject()) {
            throw new IllegalArgumentException("an " + what + " must be an object, found " + kind(e));
        }
        return e.getAsJsonObject();
    }

    private static String string(JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            throw new IllegalArgumentException("\"" + field + "\" is missing");
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new IllegalArgumentException("\"" + field + "\" must be a string, found " + kind(e));
        }
        String s = e.getAsString();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("\"" + field + "\" is empty");
        }
        return s;
    }

    private static long integer(JsonObject o, String field, long min, long max) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            throw new IllegalArgumentException("\"" + field + "\" is missing");
        }
        return integer(e, "\"" + field + "\"", min, max);
    }

    /** A JSON number that is an integer in [min, max] (12.0 is accepted, 12.5 and "12" are not). */
    static long integer(JsonElement e, String what, long min, long max) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new IllegalArgumentException(what + " must be an integer, found " + kind(e));
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        java.math.BigDecimal d;
        try {
            d = p.getAsBigDecimal();
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException(what + " must be an integer, found " + p);
        }
        long v;
        try {
            v = d.longValueExact();
        } catch (ArithmeticException ex) {
            throw new IllegalArgumentException(what + " must be an integer, found " + p);
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException(what + " is " + v + ", outside " + min + ".." + max);
        }
        return v;
    }

    /** A finite JSON number. */
    static double number(JsonElement e, String what) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new IllegalArgumentException(what + " must be a number, found " + kind(e));
        }
        double v;
        try {
            v = e.getAsDouble();
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException(what + " must be a number, found " + e);
        }
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(what + " is not finite (" + e + ")");
        }
        return v;
    }

    static String kind(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return "null";
        }
        if (e.isJsonArray()) {
            return "a list";
        }
        if (e.isJsonObject()) {
            return "an object";
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        if (p.isString()) {
            return "the string " + abbreviate(e);
        }
        return p.isBoolean() ? "the boolean " + p : "the number " + p;
    }

    private static String abbreviate(JsonElement e) {
        String s = String.valueOf(e);
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    static String format(CocoBox b) {
        return "[" + format(b.x()) + ", " + format(b.y()) + ", " + format(b.width()) + ", " + format(b.height()) + "]";
    }

    /** @return 12 for 12.0, else the shortest text that reads back as the same double */
    static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
