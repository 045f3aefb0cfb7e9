package org.hybridvision.detection.coco;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The COCO metric on hand-made cases whose answers are worked out by hand (issue 12's acceptance cases). */
class CocoEvaluatorTest {
    private static final double EPS = 1e-12;

    @TempDir
    Path dir;

    /** Builds a ground truth: one category per id given, images of 400 x 400. */
    static final class Truth {
        final CocoDataset.Builder b = CocoDataset.builder();
        long nextAnn = 1;
        final List<Long> images = new ArrayList<>();

        Truth(int... categories) {
            for (int c : categories) {
                b.addCategory(new CocoCategory(c, "class" + c, ""));
            }
        }

        Truth image(long id) {
            b.addImage(new CocoImage(id, id + ".jpg", 400, 400));
            images.add(id);
            return this;
        }

        Truth box(long image, int category, double x, double y, double w, double h) {
            return add(image, category, new CocoBox(x, y, w, h), w * h, false);
        }

        Truth add(long image, int category, CocoBox box, double area, boolean crowd) {
            b.addAnnotation(new CocoAnnotation(nextAnn++, image, category, box, area, crowd, null));
            return this;
        }

        CocoDataset build() {
            return b.build();
        }
    }

    static CocoDetection det(long image, int category, double x, double y, double w, double h, double score) {
        return CocoDetection.ofBox(image, category, new CocoBox(x, y, w, h), score);
    }

    static CocoEvaluation boxes(CocoDataset gt, List<CocoDetection> dets) {
        return new CocoEvaluator(gt, IouType.BBOX).evaluate(dets);
    }

    @Test
    void perfectDetectionsScoreOne() {
        // one object per image and category: small, medium and large ones, two categories
        Truth t = new Truth(1, 7).image(1).image(2).image(3);
        t.box(1, 1, 10, 10, 20, 20).box(1, 7, 100, 100, 60, 60).box(2, 1, 0, 0, 200, 150).box(3, 7, 50, 60, 25, 30);
        List<CocoDetection> dets = new ArrayList<>();
        for (CocoAnnotation a : t.build().annotations()) {
            dets.add(CocoDetection.ofBox(a.imageId(), a.categoryId(), a.bbox(), 0.9));
        }
        CocoEvaluation e = boxes(t.build(), dets);
        for (int i = 0; i < 12; i++) {
            assertEquals(1.0, e.stats()[i], EPS, CocoEvaluation.STAT_NAMES.get(i));
        }
        assertEquals(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 1.000",
                e.summaryLines().get(0));
        assertEquals(" Average Recall     (AR) @[ IoU=0.50:0.95 | area= small | maxDets=100 ] = 1.000",
                e.summaryLines().get(9));
        assertEquals(" Average Precision  (AP) @[ IoU=0.75      | area=   all | maxDets=100 ] = 1.000",
                e.summaryLines().get(2));
        for (CocoEvaluation.CategoryAp c : e.perCategory()) {
            assertEquals(1.0, c.ap(), EPS);
            assertEquals(2, c.groundTruths());
        }
    }

    @Test
    void boxJustBelowIou06CountsAt050And055Only() {
        Truth t = new Truth(1).image(1).box(1, 1, 0, 0, 100, 100);
        // shifted by 26: IoU = 74 / 126 = 0.587
        CocoEvaluation e = boxes(t.build(), List.of(det(1, 1, 26, 0, 100, 100, 0.8)));
        assertEquals(74.0 / 126, CocoBox.iou(new CocoBox(26, 0, 100, 100), new CocoBox(0, 0, 100, 100), false), 0);
        for (int th = 0; th < 10; th++) {
            double expected = th < 2 ? 1 : 0;
            assertEquals(expected, e.recall(th, 0, 0, 2), 0, "recall at threshold " + th);
        }
        assertEquals(0.2, e.ap(), EPS); // 2 of 10 thresholds
        assertEquals(1.0, e.ap50(), EPS);
        assertEquals(0.0, e.ap75(), EPS);
        // exactly at a threshold counts as a match (IoU >= threshold): shifted by 25, IoU = 75 / 125 = 0.6
        CocoEvaluation at = boxes(t.build(), List.of(det(1, 1, 25, 0, 100, 100, 0.8)));
        assertEquals(0.3, at.ap(), EPS);
    }

    @Test
    void duplicatesAreFalsePositives() {
        Truth t = new Truth(1).image(1).image(2).box(1, 1, 10, 10, 50, 50).box(2, 1, 10, 10, 50, 50);
        List<CocoDetection> dets = List.of(
                det(1, 1, 10, 10, 50, 50, 0.9), // true positive
                det(1, 1, 10, 10, 50, 50, 0.8), // the same object again: false positive
                det(2, 1, 10, 10, 50, 50, 0.7)); // true positive
        CocoEvaluation e = boxes(t.build(), dets);
        // ranks TP, FP, TP: precision 1 up to recall 0.5 (51 recall points), 2/3 beyond (50 points)
        double expected = (51 + 50 * (2.0 / 3)) / 101;
        assertEquals(expected, e.ap(), 1e-9);
        assertEquals(expected, e.ap50(), 1e-9);
        assertEquals(1.0, e.stats()[8], EPS); // AR100: both objects found
        // without the duplicate: perfect
        assertEquals(1.0, boxes(t.build(), List.of(dets.get(0), dets.get(2))).ap(), EPS);
        // a duplicate ranked last does not lower AP (the precision envelope), but it is still no true positive
        CocoEvaluation last = boxes(t.build(), List.of(dets.get(0), dets.get(2), det(1, 1, 10, 10, 50, 50, 0.1)));
        assertEquals(1.0, last.ap(), EPS);
    }

    @Test
    void detectionsOnCrowdRegionsAreIgnored() {
        Truth t = new Truth(1).image(1).box(1, 1, 10, 10, 50, 50)
                .add(1, 1, new CocoBox(100, 100, 200, 200), 40000, true);
        List<CocoDetection> dets = List.of(
                det(1, 1, 10, 10, 50, 50, 0.5),
                det(1, 1, 120, 120, 30, 30, 0.9), // inside the crowd region: IoU by its own area = 1
                det(1, 1, 150, 150, 40, 40, 0.8), // a crowd region absorbs any number of detections
                det(1, 1, 250, 250, 40, 40, 0.7));
        CocoEvaluation e = boxes(t.build(), dets);
        assertEquals(1.0, e.ap(), EPS);
        assertEquals(1.0, e.stats()[8], EPS); // the crowd region is no object to find
        // the same region not marked as crowd: the three detections on it are false positives ranked first
        Truth plain = new Truth(1).image(1).box(1, 1, 10, 10, 50, 50).box(1, 1, 100, 100, 200, 200);
        assertTrue(boxes(plain.build(), dets).ap() < 0.5);
        // a detection only partly inside the crowd region: matched when half of it or more lies inside
        CocoEvaluation half = boxes(t.build(), List.of(det(1, 1, 10, 10, 50, 50, 0.5),
                det(1, 1, 80, 120, 40, 40, 0.9)));
        assertEquals(1.0, half.ap50(), EPS); // 20 of 40 px wide inside: 0.5 >= 0.5, ignored
        assertTrue(half.ap75() < 1.0); // at 0.75 it matches nothing: a false positive ranked first
    }

    @Test
    void smallMediumLargeSplitOnGroundTruthArea() {
        Truth t = new Truth(1).image(1)
                .box(1, 1, 0, 0, 20, 20) // 400: small
                .box(1, 1, 100, 100, 50, 50) // 2500: medium
                .box(1, 1, 200, 200, 120, 120); // 14400: large
        List<CocoDetection> dets = List.of(det(1, 1, 0, 0, 20, 20, 0.9), det(1, 1, 200, 200, 120, 120, 0.8),
                det(1, 1, 300, 10, 50, 50, 0.99)); // a medium-sized false positive, ranked first
        CocoEvaluation e = boxes(t.build(), dets);
        assertEquals(1.0, e.stats()[3], EPS); // APs: the medium-sized false positive is ignored there
        assertEquals(0.0, e.stats()[4], EPS); // APm: the medium object is missed, the false positive counts
        assertEquals(1.0, e.stats()[5], EPS); // APl
        assertEquals(1.0, e.stats()[9], EPS); // ARs
        assertEquals(0.0, e.stats()[10], EPS); // ARm
        // all areas: ranks FP, TP, TP over 3 objects: precision 2/3 (envelope) up to recall 2/3, i.e. 67 points
        assertEquals((2.0 / 3) * 67 / 101, e.ap(), 1e-9);

        // the area field decides, not the box: a 50 x 50 box annotated with area 900 is small
        Truth byArea = new Truth(1).image(1).add(1, 1, new CocoBox(0, 0, 50, 50), 900, false);
        CocoEvaluation a = boxes(byArea.build(), List.of(det(1, 1, 0, 0, 50, 50, 0.9)));
        assertEquals(1.0, a.stats()[3], EPS);
        assertEquals(-1.0, a.stats()[4], EPS); // no medium object at all: undefined, -1 as pycocotools
        // range ends belong to both ranges: an area of exactly 32 * 32 is small and medium
        Truth edge = new Truth(1).image(1).box(1, 1, 0, 0, 32, 32);
        CocoEvaluation ed = boxes(edge.build(), List.of(det(1, 1, 0, 0, 32, 32, 0.9)));
        assertEquals(1.0, ed.stats()[3], EPS);
        assertEquals(1.0, ed.stats()[4], EPS);
    }

    @Test
    void detectionLimitsAndAbsentCategories() {
        Truth t = new Truth(1, 2).image(1).box(1, 1, 0, 0, 50, 50).box(1, 1, 100, 0, 50, 50);
        CocoEvaluation e = boxes(t.build(), List.of(det(1, 1, 0, 0, 50, 50, 0.9), det(1, 1, 100, 0, 50, 50, 0.8),
                det(1, 2, 0, 0, 10, 10, 0.5), det(1, 3, 0, 0, 10, 10, 0.5)));
        assertEquals(0.5, e.stats()[6], EPS); // AR1: one detection per image and class
        assertEquals(1.0, e.stats()[7], EPS); // AR10
        assertEquals(1.0, e.ap(), EPS); // class 2 has no ground truth: left out of the mean
        assertTrue(Double.isNaN(e.perCategory().get(1).ap()));
        assertEquals(1, e.warnings().size()); // the detection of category 3
        assertThrows(IllegalArgumentException.class,
                () -> boxes(t.build(), List.of(det(5, 1, 0, 0, 1, 1, 0.5)))); // unknown image
        // no detections at all: zeros, not an error
        CocoEvaluation none = boxes(t.build(), List.of());
        assertEquals(0.0, none.ap(), EPS);
        assertEquals(0.0, none.stats()[8], EPS);
    }

    @Test
    void masksUseMaskIouAndCrowdRule() {
        // 20 x 20 image; ground truth: a 10 x 10 square, and a crowd region covering the right half
        CocoDataset gt = CocoDataset.builder().addCategory(new CocoCategory(1, "thing", ""))
                .addImage(new CocoImage(1, "a.png", 20, 20))
                .addAnnotation(new CocoAnnotation(1, 1, 1, new CocoBox(0, 0, 10, 10), 100, false,
                        Polygons.of(new double[] {0, 0, 10, 0, 10, 10, 0, 10})))
                .addAnnotation(new CocoAnnotation(2, 1, 1, new CocoBox(10, 0, 10, 20), 200, true,
                        Rle.fromBox(new CocoBox(10, 0, 10, 20), 20, 20)))
                .build();
        assertEquals(100, gt.mask(gt.annotations().get(0)).area());
        Rle square = Rle.fromBox(new CocoBox(0, 0, 10, 10), 20, 20);
        Rle inCrowd = Rle.fromBox(new CocoBox(12, 5, 4, 4), 20, 20);
        // the mask detection's box is far off: a segm evaluation must not look at it
        List<CocoDetection> dets = List.of(
                CocoDetection.of(1, 1, new CocoBox(0, 0, 3, 3), square, 0.9),
                CocoDetection.of(1, 1, null, inCrowd, 0.95));
        CocoEvaluation segm = new CocoEvaluator(gt, IouType.SEGM).evaluate(dets);
        assertEquals(1.0, segm.ap(), EPS);
        CocoEvaluation bbox = new CocoEvaluator(gt, IouType.BBOX).evaluate(dets);
        assertEquals(0.0, bbox.ap50(), EPS); // the 3 x 3 box overlaps the square by 9 / 100
        // a box-only detection in a segm evaluation is scored with its box's mask
        CocoEvaluation boxAsMask = new CocoEvaluator(gt, IouType.SEGM).evaluate(
                List.of(CocoDetection.ofBox(1, 1, new CocoBox(0, 0, 10, 10), 0.9)));
        assertEquals(1.0, boxAsMask.ap(), EPS);
    }

    @Test
    void pythonRounding() {
        assertEquals("0.123", CocoEvaluation.fixed(0.1235, 3)); // 0.1235 is 0.12349999... in binary
        assertEquals("0.001", CocoEvaluation.fixed(0.0005, 3));
        assertEquals("2.67", CocoEvaluation.fixed(2.675, 2));
        assertEquals("-1.000", CocoEvaluation.fixed(-1, 3));
    }

    @Test
    void thresholdsAreNumpysLinspace() {
        double[] iou = EvalParams.coco().iouThresholds();
        assertEquals(0.8999999999999999, iou[8], 0); // not 0.9: as numpy makes it
        assertEquals(0.55, iou[1], 0);
        double[] rec = EvalParams.coco().recallThresholds();
        assertEquals("0x1.eb851eb851eb8p-6", Double.toHexString(rec[3]));
        assertEquals("0x1.28f5c28f5c28fp-2", Double.toHexString(rec[29]));
        assertEquals("0x1.23d70a3d70a3ep-1", Double.toHexString(rec[57]));
        assertEquals(1.0, rec[100], 0);
    }

    @Test
    void resultsFileRoundTripAndErrors() throws IOException {
        Truth t = new Truth(1).image(1).image(2).box(1, 1, 10, 10, 50, 50);
        CocoDataset gt = t.build();
        Rle m = Rle.fromBox(new CocoBox(5, 5, 10, 10), 400, 400);
        List<CocoDetection> dets = List.of(det(1, 1, 10.5, 10, 50, 50.25, 0.875),
                CocoDetection.of(2, 1, new CocoBox(5, 5, 10, 10), m, 0.5));
        Path f = dir.resolve("res/results.json");
        CocoResults.write(f, dets);
        CocoResults back = CocoResults.read(f, gt);
        assertEquals(dets, back.detections());
        assertTrue(back.hasMasks());

        Path unknownImage = write("u.json",
                "[{\"image_id\": 3, \"category_id\": 1, \"bbox\": [1,1,2,2], \"score\": 1}]");
        CocoFormatException e = assertThrows(CocoFormatException.class, () -> CocoResults.read(unknownImage, gt));
        assertTrue(e.getMessage().contains("(3)") && e.getMessage().contains("another annotation file"),
                e.getMessage());
        Path nan = write("n.json", "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1,1,2,2], \"score\": NaN}]");
        e = assertThrows(CocoFormatException.class, () -> CocoResults.read(nan, gt));
        assertTrue(e.getMessage().contains("entry 0 (image 1)") && e.getMessage().contains("score"), e.getMessage());
        Path noScore = write("s.json", "[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1,1,2,2], \"score\": 1},"
                + "{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1,1,2,2]}]");
        e = assertThrows(CocoFormatException.class, () -> CocoResults.read(noScore, gt));
        assertTrue(e.getMessage().contains("entry 1") && e.getMessage().contains("\"score\" is missing"),
                e.getMessage());
        Path wrongSize = write("w.json", "[{\"image_id\": 1, \"category_id\": 1, \"score\": 1, "
                + "\"segmentation\": {\"size\": [10, 10], \"counts\": \"d1\"}}]");
        e = assertThrows(CocoFormatException.class, () -> CocoResults.read(wrongSize, gt));
        assertTrue(e.getMessage().contains("[10, 10]"), e.getMessage());
        Path otherCategory = write("c.json", "[{\"image_id\": 1, \"category_id\": 8, \"bbox\": [1,1,2,2], "
                + "\"score\": 1}]");
        CocoResults c = CocoResults.read(otherCategory, gt);
        assertEquals(0, c.detections().size());
        assertEquals(1, c.warnings().size());
        Path notList = write("o.json", "{\"annotations\": []}");
        e = assertThrows(CocoFormatException.class, () -> CocoResults.read(notList, gt));
        assertTrue(e.getMessage().contains("must be a list"), e.getMessage());
    }

    private Path write(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }
}
