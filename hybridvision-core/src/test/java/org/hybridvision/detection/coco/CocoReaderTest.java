package org.hybridvision.detection.coco;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hybridvision.HybridVisionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@link CocoReader}, {@link CocoDataset}, {@link LabelMap} and {@link CocoWriter} on hand-written files. */
class CocoReaderTest {
    @TempDir
    Path dir;

    /** Two images, categories with COCO-like gaps, polygon / uncompressed crowd RLE / compressed RLE masks. */
    static final String GOOD = """
            {"info": {"description": "test"}, "licenses": [],
             "images": [{"id": 7, "file_name": "a.jpg", "width": 40, "height": 30},
                        {"id": 9, "file_name": "sub/b.jpg", "width": 20, "height": 10}],
             "categories": [{"id": 90, "name": "toothbrush", "supercategory": "indoor"},
                            {"id": 1, "name": "person", "supercategory": "person"},
                            {"id": 3, "name": "car", "supercategory": "vehicle"}],
             "annotations": [
               {"id": 1, "image_id": 7, "category_id": 1, "bbox": [10, 5, 10, 10], "area": 100, "iscrowd": 0,
                "segmentation": [[10, 5, 20, 5, 20, 15, 10, 15]]},
               {"id": 2, "image_id": 7, "category_id": 90, "bbox": [0, 0, 2, 3], "area": 5, "iscrowd": 1,
                "segmentation": {"size": [30, 40], "counts": [0, 3, 27, 2, 1168]}},
               {"id": 5, "image_id": 9, "category_id": 3, "bbox": [0, 0, 1, 1], "area": 1, "iscrowd": 0,
                "segmentation": {"size": [10, 20], "counts": "01W6"}}
             ]}
            """;

    Path write(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }

    @Test
    void readsImagesCategoriesAnnotationsAndMasks() throws IOException {
        CocoDataset d = CocoDataset.read(write("good.json", GOOD));
        assertTrue(d.report().isClean(), d.report().summary(10));
        assertEquals(2, d.images().size());
        assertEquals(3, d.annotations().size());
        assertEquals(List.of(1, 3, 90), d.labels().ids());
        assertEquals(List.of("person", "car", "toothbrush"), d.labels().names());
        assertEquals(0, d.labels().label(1));
        assertEquals(2, d.labels().label(90));
        assertEquals(90, d.labels().categoryId(2));
        assertFalse(d.labels().contains(2));
        assertThrows(IllegalArgumentException.class, () -> d.labels().label(2));
        assertEquals("sub/b.jpg", d.image(9).fileName());
        assertEquals(List.of(1L, 2L), d.annotationsOf(7).stream().map(CocoAnnotation::id).toList());
        assertEquals(List.of(), d.annotationsOf(12345));
        assertEquals("test", d.info().get("description").getAsString());

        CocoAnnotation person = d.annotationsOf(7).get(0);
        assertInstanceOf(Polygons.class, person.segmentation());
        assertEquals(100, d.mask(person).area()); // the 10 x 10 square of pixel centres 10..19 x 5..14
        CocoAnnotation crowd = d.annotationsOf(7).get(1);
        assertTrue(crowd.crowd());
        assertEquals(5, d.mask(crowd).area());
        assertEquals(new CocoBox(0, 0, 2, 3), d.mask(crowd).boundingBox());
        CocoAnnotation car = d.annotationsOf(9).get(0);
        assertEquals(1, d.mask(car).area());
        assertEquals(new CocoBox(0, 0, 1, 1), d.mask(car).boundingBox());
    }

    @Test
    void badAnnotationsAreReportedWithImageIdAndSkipped() throws IOException {
        String text = """
                {"images": [{"id": 1, "file_name": "a.jpg", "width": 100, "height": 50}],
                 "categories": [{"id": 1, "name": "thing"}],
                 "annotations": [
                   {"id": 10, "image_id": 1, "category_id": 1, "bbox": [10, 10, 20, 20], "area": 400},
                   {"id": 11, "image_id": 1, "category_id": 1, "bbox": [90, 40, 20, 20], "area": 100},
                   {"id": 12, "image_id": 1, "category_id": 1, "bbox": [200, 10, 5, 5], "area": 25},
                   {"id": 13, "image_id": 1, "category_id": 1, "bbox": [10, 10, 0, 5], "area": 1},
                   {"id": 14, "image_id": 1, "category_id": 1, "bbox": [10, 10, 5, 5], "area": 0},
                   {"id": 15, "image_id": 1, "category_id": 4, "bbox": [10, 10, 5, 5], "area": 25},
                   {"id": 16, "image_id": 2, "category_id": 1, "bbox": [10, 10, 5, 5], "area": 25},
                   {"id": 17, "image_id": 1, "category_id": 1, "bbox": [10, 10, 5, 5], "area": 25,
                    "segmentation": [[10, 10, 15, 10, 15]]},
                   {"id": 18, "image_id": 1, "category_id": 1, "bbox": [10, 10, 5, 5], "area": 25,
                    "segmentation": {"size": [50, 99], "counts": [4950]}},
                   {"id": 19, "image_id": 1, "category_id": 1, "bbox": [10, 10, 5, 5], "area": 25,
                    "segmentation": {"size": [50, 100], "counts": [4000]}},
                   {"id": 20, "image_id": 1, "category_id": 1, "bbox": [10, 10, 5, 5], "area": 25,
                    "segmentation": {"size": [50, 100], "counts": "!!"}},
                   {"id": 21, "image_id": 1, "category_id": 1, "bbox": "wide", "area": 25},
                   {"image_id": 1, "category_id": 1, "bbox": [10, 10, 5, 5], "area": 25},
                   {"id": 10, "image_id": 1, "category_id": 1, "bbox": [10, 10, 5, 5], "area": 25},
                   {"id": 22, "image_id": 1, "category_id": 1, "bbox": [10, 10, 5, 5], "area": 25,
                    "segmentation": [[10, 10, 15, 10, 15, 15], [1, 2, 3, 4]]},
                   {"id": 23, "image_id": 1, "category_id": 1, "segmentation": [[10, 10, 15, 10, 15, 15]]}
                 ]}
                """;
        CocoDataset d = CocoDataset.read(write("bad.json", text));
        CocoReport r = d.report();
        // kept: 10, 11 (clipped), 22 (bad outline dropped), 23 (bbox derived)
        assertEquals(List.of(10L, 11L, 22L, 23L), d.annotations().stream().map(CocoAnnotation::id).toList(),
                r.summary(30));
        assertEquals(new CocoBox(90, 40, 10, 10), d.annotations().get(1).bbox());
        assertEquals(1, ((Polygons) d.annotations().get(2).segmentation()).size());
        assertEquals(CocoBox.fromXyxy(10, 10, 15, 15), d.annotations().get(3).bbox());
        assertEquals(d.mask(d.annotations().get(3)).area(), d.annotations().get(3).area(), 0);

        Map<CocoIssue.Kind, Integer> counts = r.countsByKind();
        assertEquals(2, counts.get(CocoIssue.Kind.BOX_OUTSIDE_IMAGE)); // 11 clipped, 12 skipped
        assertEquals(1, counts.get(CocoIssue.Kind.EMPTY_BOX));
        assertEquals(1, counts.get(CocoIssue.Kind.NON_POSITIVE_AREA));
        assertEquals(1, counts.get(CocoIssue.Kind.UNKNOWN_CATEGORY));
        assertEquals(1, counts.get(CocoIssue.Kind.UNKNOWN_IMAGE));
        assertEquals(5, counts.get(CocoIssue.Kind.MALFORMED_SEGMENTATION)); // 17, 18, 19, 20 skipped; 22 repaired
        assertEquals(3, counts.get(CocoIssue.Kind.MALFORMED_ANNOTATION)); // 21, no id, 23 repaired
        assertEquals(1, counts.get(CocoIssue.Kind.DUPLICATE_ID));
        assertEquals(1, r.clippedBoxes());
        assertEquals(11, r.skippedAnnotations());
        for (CocoIssue i : r.issues()) {
            assertEquals(i.kind() == CocoIssue.Kind.UNKNOWN_IMAGE ? 2 : 1, i.imageId(), i.toString());
        }
        CocoIssue outside = r.issues(CocoIssue.Kind.BOX_OUTSIDE_IMAGE).get(1);
        assertEquals(12, outside.annotationId());
        assertEquals(CocoIssue.Action.SKIPPED, outside.action());
        assertTrue(r.summary(3).contains("1 unknown category (skipped)"), r.summary(3));
        assertTrue(r.issues(CocoIssue.Kind.MALFORMED_SEGMENTATION).get(1).detail().contains("[50, 99]"));
    }

    @Test
    void evaluationModeKeepsWhatTheMetricScores() throws IOException {
        String text = """
                {"images": [{"id": 1, "file_name": "a.jpg", "width": 100, "height": 50}],
                 "categories": [{"id": 1, "name": "thing"}],
                 "annotations": [
                   {"id": 11, "image_id": 1, "category_id": 1, "bbox": [90, 40, 20, 20], "area": 100},
                   {"id": 12, "image_id": 1, "category_id": 1, "bbox": [200, 10, 5, 5], "area": 25},
                   {"id": 13, "image_id": 1, "category_id": 1, "bbox": [10, 10, 0, 5], "area": 1},
                   {"id": 14, "image_id": 1, "category_id": 1, "bbox": [10, 10, 5, 5], "area": 0},
                   {"id": 15, "image_id": 1, "category_id": 4, "bbox": [10, 10, 5, 5], "area": 25},
                   {"id": 18, "image_id": 1, "category_id": 1, "bbox": [10, 10, 5, 5], "area": 25,
                    "segmentation": {"size": [50, 99], "counts": [4950]}}
                 ]}
                """;
        CocoDataset d = CocoReader.forEvaluation().read(write("eval.json", text));
        assertEquals(List.of(11L, 12L, 13L, 14L, 18L), d.annotations().stream().map(CocoAnnotation::id).toList());
        assertEquals(new CocoBox(90, 40, 20, 20), d.annotations().get(0).bbox()); // not clipped
        assertNull(d.annotations().get(4).segmentation());
        assertEquals(1, d.report().skippedAnnotations()); // the unknown category
        assertEquals(CocoIssue.Action.MASK_DROPPED,
                d.report().issues(CocoIssue.Kind.MALFORMED_SEGMENTATION).get(0).action());
    }

    @Test
    void imagesWithoutFilesOrSizeAreDroppedWithTheirAnnotations() throws IOException {
        Files.createDirectories(dir.resolve("img/sub"));
        Files.write(dir.resolve("img/a.jpg"), new byte[] {1});
        CocoDataset d = CocoDataset.read(write("good.json", GOOD), dir.resolve("img"));
        assertEquals(List.of(7L), d.images().stream().map(CocoImage::id).toList());
        CocoIssue missing = d.report().issues(CocoIssue.Kind.MISSING_IMAGE_FILE).get(0);
        assertEquals(9, missing.imageId());
        assertTrue(missing.detail().contains("sub/b.jpg") && missing.detail().contains("1 annotation"),
                missing.detail());
        assertEquals(1, d.report().skippedImages());

        String text = """
                {"images": [{"id": 1, "file_name": "a.jpg", "width": 0, "height": 50},
                            {"id": 2, "file_name": "b.jpg", "width": 10, "height": 10},
                            {"id": 2, "file_name": "c.jpg", "width": 10, "height": 10},
                            {"file_name": "d.jpg", "width": 10, "height": 10}],
                 "categories": [{"id": 1, "name": "thing"}, {"id": 1, "name": "again"}, {"name": "nameless"}],
                 "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2], "area": 4}]}
                """;
        CocoDataset e = CocoDataset.read(write("images.json", text));
        assertEquals(List.of(2L), e.images().stream().map(CocoImage::id).toList());
        assertEquals("b.jpg", e.image(2).fileName());
        assertEquals(1, e.categories().size());
        assertEquals("thing", e.category(1).name());
        assertEquals(0, e.annotations().size());
        Map<CocoIssue.Kind, Integer> counts = e.report().countsByKind();
        assertEquals(2, counts.get(CocoIssue.Kind.MALFORMED_IMAGE), e.report().summary(10));
        assertEquals(2, counts.get(CocoIssue.Kind.DUPLICATE_ID));
        assertEquals(1, counts.get(CocoIssue.Kind.MALFORMED_CATEGORY));
        assertThrows(HybridVisionException.class,
                () -> CocoDataset.read(dir.resolve("good.json"), dir.resolve("no-such-folder")));
    }

    @Test
    void unreadableFilesFailWithFileAndPosition() throws IOException {
        String truncated = GOOD.substring(0, GOOD.indexOf("\"annotations\"") + 30);
        Path t = write("truncated.json", truncated);
        CocoFormatException e = assertThrows(CocoFormatException.class, () -> CocoDataset.read(t));
        assertTrue(e.getMessage().contains("truncated.json") && e.getMessage().contains("truncated"),
                e.getMessage());

        Path broken = write("broken.json", "{\"images\": [{\"id\": 1,, }]}");
        e = assertThrows(CocoFormatException.class, () -> CocoDataset.read(broken));
        assertTrue(e.getMessage().contains("broken.json") && e.getMessage().contains("line 1 column"),
                e.getMessage());
        assertTrue(e.getMessage().contains("$.images[0]"), e.getMessage());

        Path list = write("list.json", "[{\"image_id\": 1}]");
        e = assertThrows(CocoFormatException.class, () -> CocoDataset.read(list));
        assertTrue(e.getMessage().contains("list.json") && e.getMessage().contains("top level is a list"),
                e.getMessage());

        Path noImages = write("noimages.json", "{\"categories\": [], \"annotations\": []}");
        e = assertThrows(CocoFormatException.class, () -> CocoDataset.read(noImages));
        assertTrue(e.getMessage().contains("no \"images\" list"), e.getMessage());

        Path imagesObject = write("imagesobject.json", "{\"images\": {}, \"categories\": []}");
        e = assertThrows(CocoFormatException.class, () -> CocoDataset.read(imagesObject));
        assertTrue(e.getMessage().contains("\"images\" is an object, not a list")
                && e.getMessage().contains("path $.images"), e.getMessage());

        Path empty = write("empty.json", "");
        e = assertThrows(CocoFormatException.class, () -> CocoDataset.read(empty));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());

        HybridVisionException missing = assertThrows(HybridVisionException.class,
                () -> CocoDataset.read(dir.resolve("nope.json")));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    }

    @Test
    void imageInfoFileWithoutAnnotationsReads() throws IOException {
        CocoDataset d = CocoDataset.read(write("info.json", """
                {"images": [{"id": 1, "file_name": "a.jpg", "width": 10, "height": 10}], "categories": []}
                """));
        assertEquals(1, d.images().size());
        assertEquals(0, d.annotations().size());
        assertEquals(0, d.labels().size());
    }

    @Test
    void writerRoundTrip() throws IOException {
        CocoDataset d = CocoDataset.read(write("good.json", GOOD));
        Path out = dir.resolve("out/again.json");
        d.write(out);
        CocoDataset back = CocoDataset.read(out);
        assertTrue(back.report().isClean());
        assertEquals(d.images(), back.images());
        assertEquals(d.categories(), back.categories());
        assertEquals(d.annotations(), back.annotations());
        assertEquals("test", back.info().get("description").getAsString());
        String json = Files.readString(out);
        assertTrue(json.contains("\"bbox\":[10,5,10,10]"), json);
        assertTrue(json.contains("\"counts\":\"03k0OeS1\""), json); // the crowd RLE, compressed (pycocotools)
        CocoWriter.create().uncompressedRle().write(d, out);
        assertTrue(Files.readString(out).contains("\"counts\":[0,3,27,2,1168]"));
        assertEquals(d.annotations(), CocoDataset.read(out).annotations());
        try (var s = Files.list(dir.resolve("out"))) {
            assertEquals(1, s.count()); // no temporary file left behind
        }
    }

    @Test
    void builderChecksReferences() {
        CocoDataset.Builder b = CocoDataset.builder()
                .addImage(new CocoImage(1, "a.jpg", 10, 10))
                .addCategory(new CocoCategory(5, "thing", ""))
                .addAnnotation(new CocoAnnotation(1, 1, 5, new CocoBox(1, 1, 2, 2), 4, false, null));
        assertEquals(1, b.build().annotations().size());
        assertThrows(IllegalArgumentException.class, () -> CocoDataset.builder()
                .addImage(new CocoImage(1, "a.jpg", 10, 10))
                .addAnnotation(new CocoAnnotation(1, 1, 5, new CocoBox(1, 1, 2, 2), 4, false, null)).build());
        assertThrows(IllegalArgumentException.class, () -> new CocoImage(1, "a.jpg", 0, 10));
    }
}
