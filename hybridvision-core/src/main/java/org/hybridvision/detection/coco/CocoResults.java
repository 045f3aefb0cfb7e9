package org.hybridvision.detection.coco;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.stream.JsonWriter;
import org.hybridvision.HybridVisionException;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * A COCO results file: the list of detections that pycocotools' {@code loadRes} reads and mmdetection's
 * {@code format_results} writes, {@code [{"image_id", "category_id", "bbox": [x, y, w, h], "score",
 * "segmentation": {"size": [h, w], "counts": "..."}}, ...]}.
 *
 * <p>Reading follows {@code loadRes}: the first entry decides how areas are taken, as there: if it has a box, every
 * detection's area is its box's {@code w * h} (also in a {@code segm} evaluation of a file holding boxes and masks,
 * as mmdetection writes them); otherwise its mask's pixel count. A mask-only entry gets its mask's box. Masks may
 * be compressed or uncompressed RLEs (or polygons, rasterised at the image's size) and must have their image's
 * size. An image id that is not in the ground truth fails the whole file (as {@code loadRes} does: the results were
 * made for other annotations); a category id that is not there is left out and counted in {@link #warnings()} (the
 * metric would not look at it). An entry without an image, category, score, or either box or mask, or with a
 * non-finite number, fails the file with its position named: a results writer that produces one is broken.
 *
 * <p>Immutable.
 */
public final class CocoResults {
    private final List<CocoDetection> detections;
    private final List<String> warnings;

    private CocoResults(List<CocoDetection> detections, List<String> warnings) {
        this.detections = Collections.unmodifiableList(detections);
        this.warnings = List.copyOf(warnings);
    }

    /** @return the detections, in file order */
    public List<CocoDetection> detections() {
        return detections;
    }

    /** @return notes about what was left out (unknown categories) */
    public List<String> warnings() {
        return warnings;
    }

    /** @return true when at least one detection has a mask (a {@code segm} evaluation is possible) */
    public boolean hasMasks() {
        return detections.stream().anyMatch(d -> d.segmentation() != null);
    }

    /** @return true when at least one detection has a box of its own */
    public boolean hasBoxes() {
        return detections.stream().anyMatch(d -> d.bbox() != null);
    }

    /**
     * @param file a results file
     * @param groundTruth the annotations the results are for (image sizes, categories)
     * @return the detections
     * @throws CocoFormatException when the file or one of its entries is malformed, or it names unknown images
     */
    public static CocoResults read(Path file, CocoDataset groundTruth) {
        List<CocoDetection> out = new ArrayList<>();
        Set<Long> unknownImages = new TreeSet<>();
        Set<Integer> unknownCategories = new TreeSet<>();
        int[] unknownCategoryCount = {0};
        int[] index = {0};
        Boolean[] boxAreas = {null};
        CocoJson.readList(file, "results file", e -> {
            int i = index[0]++;
            CocoDetection d = entry(file, i, e, groundTruth, boxAreas, unknownImages);
            if (d == null) {
                return;
            }
            if (!groundTruth.labels().contains(d.categoryId())) {
                unknownCategories.add(d.categoryId());
                unknownCategoryCount[0]++;
                return;
            }
            out.add(d);
        });
        if (!unknownImages.isEmpty()) {
            throw new CocoFormatException(String.format(Locale.ROOT, "Results file %s names %d image id(s) that are "
                    + "not in the ground truth (%s): the results were made for another annotation file. Pass the "
                    + "annotation file the detector ran on.", file, unknownImages.size(), first(unknownImages)));
        }
        List<String> warnings = new ArrayList<>();
        if (unknownCategoryCount[0] > 0) {
            warnings.add(String.format(Locale.ROOT, "%d detection(s) of category id(s) %s, which the ground truth "
                    + "does not have, were left out (the COCO metric ignores them too)", unknownCategoryCount[0],
                    first(unknownCategories)));
        }
        return new CocoResults(out, warnings);
    }

    private static String first(Set<?> ids) {
        List<String> s = new ArrayList<>();
        for (Object id : ids) {
            if (s.size() == 5) {
                s.add("...");
                break;
            }
            s.add(String.valueOf(id));
        }
        return String.join(", ", s);
    }

    private static CocoDetection entry(Path file, int i, JsonElement e, CocoDataset gt, Boolean[] boxAreas,
            Set<Long> unknownImages) {
        long imageId = CocoIssue.NONE;
        try {
            if (!e.isJsonObject()) {
                throw new IllegalArgumentException("an entry must be an object, found " + CocoReader.kind(e));
            }
            JsonObject o = e.getAsJsonObject();
            imageId = CocoReader.integer(required(o, "image_id"), "image_id", Long.MIN_VALUE + 1, Long.MAX_VALUE);
            int categoryId = (int) CocoReader.integer(required(o, "category_id"), "category_id", Integer.MIN_VALUE,
                    Integer.MAX_VALUE);
            double score = CocoReader.number(required(o, "score"), "score");
            JsonElement b = o.get("bbox");
            boolean hasBox = b != null && !b.isJsonNull() && !(b.isJsonArray() && b.getAsJsonArray().isEmpty());
            JsonElement s = o.get("segmentation");
            boolean hasMask = s != null && !s.isJsonNull() && !(s.isJsonArray() && s.getAsJsonArray().isEmpty());
            if (!hasBox && !hasMask) {
                throw new IllegalArgumentException("it has neither a \"bbox\" nor a \"segmentation\"");
            }
            if (boxAreas[0] == null) {
                boxAreas[0] = hasBox; // loadRes decides by the first entry
            }
            CocoImage image = gt.findImage(imageId).orElse(null);
            if (image == null) {
                unknownImages.add(imageId);
                return null;
            }
            CocoBox box = hasBox ? CocoReader.box(b) : null;
            Rle mask = null;
            if (hasMask) {
                if (s.isJsonObject()) {
                    mask = CocoReader.rle(s.getAsJsonObject(), image.height(), image.width(), "segmentation");
                } else if (s.isJsonArray()) {
                    List<double[]> rings = new ArrayList<>();
                    for (JsonElement ring : s.getAsJsonArray()) {
                        if (!ring.isJsonArray()) {
                            throw new IllegalArgumentException("segmentation must be an RLE object or a list of "
                                    + "polygons");
                        }
                        double[] xy = new double[ring.getAsJsonArray().size()];
                        for (int j = 0; j < xy.length; j++) {
                            xy[j] = CocoReader.number(ring.getAsJsonArray().get(j), "polygon coordinate");
                        }
                        rings.add(xy);
                    }
                    mask = Polygons.of(rings).toRle(image.height(), image.width());
                } else {
                    throw new IllegalArgumentException("segmentation must be an RLE object, found "
                            + CocoReader.kind(s));
                }
            }
            if (box == null) {
                box = mask.boundingBox();
            }
            double area = boxAreas[0] ? box.area() : (mask != null ? mask.area() : box.area());
            return new CocoDetection(imageId, categoryId, box, score, mask, area);
        } catch (IllegalArgumentException ex) {
            throw new CocoFormatException(String.format(Locale.ROOT, "Results file %s, entry %d%s: %s. Each entry "
                    + "needs image_id, category_id, score and a bbox [x, y, w, h] and/or a segmentation RLE.", file, i,
                    imageId == CocoIssue.NONE ? "" : " (image " + imageId + ")", ex.getMessage()), ex);
        }
    }

    private static JsonElement required(JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            throw new IllegalArgumentException("\"" + field + "\" is missing");
        }
        return e;
    }

    /**
     * Writes detections as a COCO results file (boxes, scores, and masks as compressed RLEs where present),
     * atomically.
     *
     * @param file the destination (parent folders are created)
     * @param detections the detections
     * @throws HybridVisionException when the file cannot be written
     */
    public static void write(Path file, List<CocoDetection> detections) {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8); JsonWriter json = new JsonWriter(w)) {
                json.beginArray();
                for (CocoDetection d : detections) {
                    json.beginObject().name("image_id").value(d.imageId()).name("category_id").value(d.categoryId());
                    if (d.bbox() != null) {
                        json.name("bbox");
                        CocoWriter.numbers(json, d.bbox().toArray());
                    }
                    json.name("score");
                    CocoWriter.number(json, d.score());
                    if (d.segmentation() != null) {
                        json.name("segmentation");
                        CocoWriter.segmentation(json, d.segmentation(), true);
                    }
                    json.endObject();
                }
                json.endArray();
            }
            CocoWriter.move(tmp, file);
        } catch (IOException e) {
            throw new HybridVisionException("Cannot write results file " + file + ": " + e.getMessage(), e);
        } finally {
            CocoWriter.deleteQuietly(tmp);
        }
    }
}
