package org.hybridvision.detection.coco;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.stream.JsonWriter;
import org.hybridvision.HybridVisionException;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a {@link CocoDataset} as a COCO instances file: {@code info}, {@code licenses}, {@code images},
 * {@code categories} and {@code annotations}, in the data set's order, as pycocotools and mmdetection read them.
 *
 * <p>The file is written next to its destination and moved into place when complete, so an interrupted write never
 * leaves a truncated file under the final name. Integral numbers are written without a fraction ({@code 12}, not
 * {@code 12.0}); others with full double precision. Masks: polygons as lists, RLEs with compressed string counts
 * (COCO's form for predicted masks, compact) unless {@link #uncompressedRle()} is asked for (COCO's own files store
 * crowd regions that way).
 *
 * <p>Immutable.
 */
public final class CocoWriter {
    private final boolean compressedRle;

    private CocoWriter(boolean compressedRle) {
        this.compressedRle = compressedRle;
    }

    /** @return a writer with compressed RLE counts */
    public static CocoWriter create() {
        return new CocoWriter(true);
    }

    /** @return a writer like this one that writes RLE counts as plain lists */
    public CocoWriter uncompressedRle() {
        return new CocoWriter(false);
    }

    /**
     * @param dataset the data set
     * @param file the destination (parent folders are created)
     * @throws HybridVisionException when the file cannot be written (nothing is left at {@code file} then)
     */
    public void write(CocoDataset dataset, Path file) {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8); JsonWriter json = new JsonWriter(w)) {
                write(dataset, json);
            }
            move(tmp, file);
        } catch (IOException e) {
            throw new HybridVisionException("Cannot write annotation file " + file + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    private void write(CocoDataset d, JsonWriter json) throws IOException {
        Gson gson = new Gson();
        json.beginObject();
        json.name("info");
        gson.toJson(d.info(), JsonElement.class, json);
        json.name("licenses");
        gson.toJson(d.licenses(), JsonElement.class, json);
        json.name("images").beginArray();
        for (CocoImage im : d.images()) {
            json.beginObject().name("id").value(im.id()).name("file_name").value(im.fileName())
                    .name("width").value(im.width()).name("height").value(im.height()).endObject();
        }
        json.endArray();
        json.name("categories").beginArray();
        for (CocoCategory c : d.categories()) {
            json.beginObject().name("id").value(c.id()).name("name").value(c.name())
                    .name("supercategory").value(c.supercategory()).endObject();
        }
        json.endArray();
        json.name("annotations").beginArray();
        for (CocoAnnotation a : d.annotations()) {
            json.beginObject().name("id").value(a.id()).name("image_id").value(a.imageId())
                    .name("category_id").value(a.categoryId());
            json.name("bbox");
            numbers(json, a.bbox().toArray());
            json.name("area");
            number(json, a.area());
            json.name("iscrowd").value(a.crowd() ? 1 : 0);
            if (a.segmentation() != null) {
                json.name("segmentation");
                segmentation(json, a.segmentation(), compressedRle);
            }
            json.endObject();
        }
        json.endArray();
        json.endObject();
    }

    /**
     * Writes a segmentation value (polygons as lists, RLE as {@code {"size": [h, w], "counts": ...}}).
     *
     * @param json the writer, positioned at a value
     * @param s the segmentation
     * @param compressed RLE counts as COCO's compressed string rather than a list
     * @throws IOException from the writer
     */
    static void segmentation(JsonWriter json, Segmentation s, boolean compressed) throws IOException {
        if (s instanceof Polygons p) {
            json.beginArray();
            for (double[] ring : p.rings()) {
                numbers(json, ring);
            }
            json.endArray();
        } else {
            Rle r = (Rle) s;
            json.beginObject().name("size").beginArray().value(r.height()).value(r.width()).endArray();
            json.name("counts");
            if (compressed) {
                json.value(r.toCompressedString());
            } else {
                json.beginArray();
                for (int c : r.counts()) {
                    json.value(c);
                }
                json.endArray();
            }
            json.endObject();
        }
    }

    static void numbers(JsonWriter json, double[] values) throws IOException {
        json.beginArray();
        for (double v : values) {
            number(json, v);
        }
        json.endArray();
    }

    /** Integral values without a fraction, others in full precision. */
    static void number(JsonWriter json, double v) throws IOException {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            json.value((long) v);
        } else {
            json.value(v);
        }
    }

    /**
     * Moves a finished temporary file into place, atomically where the file system allows.
     *
     * @param tmp the finished file
     * @param file the destination
     * @throws IOException from the file system
     */
    static void move(Path tmp, Path file) throws IOException {
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void deleteQuietly(Path tmp) {
        if (tmp != null) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort: a stray temporary file is harmless
            }
        }
    }
}
