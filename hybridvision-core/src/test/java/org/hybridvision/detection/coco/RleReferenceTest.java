package org.hybridvision.detection.coco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * RLE encoding, compressed strings, areas, boxes, merges, mask IoU and polygon / box rasterisation against
 * pycocotools 2.0.11 (values made once by {@code make_mask_reference.py} in the test resources).
 */
class RleReferenceTest {
    private static JsonObject ref;
    private static List<Rle> masks;

    @BeforeAll
    static void load() throws Exception {
        try (Reader r = new InputStreamReader(RleReferenceTest.class.getResourceAsStream(
                "/detection/coco/mask_reference.json"), StandardCharsets.UTF_8)) {
            ref = JsonParser.parseReader(r).getAsJsonObject();
        }
        masks = new ArrayList<>();
        for (JsonElement e : ref.getAsJsonArray("masks")) {
            JsonObject m = e.getAsJsonObject();
            masks.add(Rle.fromMask(rows(m), m.get("height").getAsInt(), m.get("width").getAsInt()));
        }
    }

    static boolean[] rows(JsonObject m) {
        int h = m.get("height").getAsInt();
        int w = m.get("width").getAsInt();
        boolean[] mask = new boolean[h * w];
        JsonArray rows = m.getAsJsonArray("rows");
        for (int y = 0; y < h; y++) {
            String row = rows.get(y).getAsString();
            for (int x = 0; x < w; x++) {
                mask[y * w + x] = row.charAt(x) == '1';
            }
        }
        return mask;
    }

    static double[] doubles(JsonArray a) {
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).getAsDouble();
        }
        return v;
    }

    static double[] box(CocoBox b) {
        return b.toArray();
    }

    @Test
    void encodeMatchesPycocotools() {
        JsonArray list = ref.getAsJsonArray("masks");
        for (int i = 0; i < list.size(); i++) {
            JsonObject m = list.get(i).getAsJsonObject();
            Rle r = masks.get(i);
            assertEquals(m.get("string").getAsString(), r.toCompressedString(), "string of mask " + i);
            assertEquals(m.get("area").getAsLong(), r.area(), "area of mask " + i);
            assertArrayEquals(doubles(m.getAsJsonArray("bbox")), box(r.boundingBox()), "bbox of mask " + i);
            // decoding: the string back to the same runs and the same pixels
            Rle back = Rle.fromCompressedString(m.get("string").getAsString(), r.height(), r.width());
            assertEquals(r, back, "decoded mask " + i);
            assertArrayEquals(rows(m), back.toMask(), "pixels of mask " + i);
        }
    }

    @Test
    void iouAndMergeMatchPycocotools() {
        for (JsonElement e : ref.getAsJsonArray("pairs")) {
            JsonObject p = e.getAsJsonObject();
            Rle d = masks.get(p.get("detection").getAsInt());
            Rle g = masks.get(p.get("groundTruth").getAsInt());
            String what = "pair " + p.get("detection") + "," + p.get("groundTruth");
            assertEquals(p.get("iou").getAsDouble(), Rle.iou(d, g, false), 0, what);
            assertEquals(p.get("iouCrowd").getAsDouble(), Rle.iou(d, g, true), 0, what + " (crowd)");
            assertEquals(p.get("union").getAsString(), d.union(g).toCompressedString(), what + " union");
            assertEquals(p.get("intersection").getAsString(), d.intersection(g).toCompressedString(),
                    what + " intersection");
        }
    }

    @Test
    void polygonsRasteriseAsPycocotools() {
        int h = ref.getAsJsonArray("polygonImage").get(0).getAsInt();
        int w = ref.getAsJsonArray("polygonImage").get(1).getAsInt();
        JsonArray list = ref.getAsJsonArray("polygons");
        for (int i = 0; i < list.size(); i++) {
            JsonObject p = list.get(i).getAsJsonObject();
            List<double[]> rings = new ArrayList<>();
            for (JsonElement ring : p.getAsJsonArray("rings")) {
                rings.add(doubles(ring.getAsJsonArray()));
            }
            Rle r = Polygons.of(rings).toRle(h, w);
            assertEquals(p.get("string").getAsString(), r.toCompressedString(), "polygon " + i);
            assertEquals(p.get("area").getAsLong(), r.area(), "area of polygon " + i);
            assertArrayEquals(doubles(p.getAsJsonArray("bbox")), box(r.boundingBox()), "bbox of polygon " + i);
        }
    }

    @Test
    void boxesRasteriseAsPycocotools() {
        int h = ref.getAsJsonArray("polygonImage").get(0).getAsInt();
        int w = ref.getAsJsonArray("polygonImage").get(1).getAsInt();
        for (JsonElement e : ref.getAsJsonArray("boxes")) {
            JsonObject b = e.getAsJsonObject();
            double[] v = doubles(b.getAsJsonArray("bbox"));
            Rle r = Rle.fromBox(new CocoBox(v[0], v[1], v[2], v[3]), h, w);
            assertEquals(b.get("string").getAsString(), r.toCompressedString(), "box " + b.get("bbox"));
            assertEquals(b.get("area").getAsLong(), r.area(), "area of box " + b.get("bbox"));
        }
    }

    @Test
    void compressedStringsOfLargeCounts() {
        for (JsonElement e : ref.getAsJsonArray("strings")) {
            JsonObject s = e.getAsJsonObject();
            JsonArray c = s.getAsJsonArray("counts");
            int[] counts = new int[c.size()];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = c.get(i).getAsInt();
            }
            int h = s.get("height").getAsInt();
            int w = s.get("width").getAsInt();
            Rle r = Rle.of(h, w, counts);
            assertEquals(s.get("string").getAsString(), r.toCompressedString(), "counts " + c);
            assertArrayEquals(counts, Rle.fromCompressedString(s.get("string").getAsString(), h, w).counts());
        }
    }
}
