package org.hybridvision.detection.coco;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The COCO metric against pycocotools 2.0.11 on random cases of a few hundred boxes and of masks (made once by
 * {@code eval/make_eval_reference.py} in the test resources): the 12 stats, the printed summary, recall for every
 * threshold / category / area / limit, precision at every recall point, and AP per category.
 */
class CocoEvaluatorReferenceTest {
    private static JsonObject ref;

    static Path resource(String name) {
        try {
            return Path.of(CocoEvaluatorReferenceTest.class.getResource("/detection/coco/eval/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void load() throws Exception {
        try (Reader r = Files.newBufferedReader(resource("reference.json"), StandardCharsets.UTF_8)) {
            ref = JsonParser.parseReader(r).getAsJsonObject();
        }
    }

    private static CocoEvaluation run(String gt, String results, IouType type) {
        CocoDataset truth = CocoReader.forEvaluation().read(resource(gt));
        CocoResults res = CocoResults.read(resource(results), truth);
        return new CocoEvaluator(truth, type).evaluate(res.detections());
    }

    private static void compare(String caseName, CocoEvaluation e) {
        JsonObject r = ref.getAsJsonObject(caseName);
        JsonArray stats = r.getAsJsonArray("stats");
        double[] mine = e.stats();
        for (int i = 0; i < 12; i++) {
            assertEquals(stats.get(i).getAsDouble(), mine[i], 1e-12, caseName + " " + CocoEvaluation.STAT_NAMES.get(i));
        }
        assertEquals(r.get("summary").getAsString(), e.summary(), caseName + " printed summary");

        int nt = 10;
        int nr = 101;
        int nk = e.perCategory().size();
        int na = 4;
        int nm = 3;
        JsonArray recall = r.getAsJsonArray("recall");
        assertEquals(nt * nk * na * nm, recall.size());
        for (int t = 0, i = 0; t < nt; t++) {
            for (int k = 0; k < nk; k++) {
                for (int a = 0; a < na; a++) {
                    for (int m = 0; m < nm; m++, i++) {
                        assertEquals(recall.get(i).getAsDouble(), e.recall(t, k, a, m), 1e-12,
                                caseName + " recall t" + t + " k" + k + " a" + a + " m" + m);
                    }
                }
            }
        }
        JsonArray precision = r.getAsJsonArray("precisionAllAreas100");
        assertEquals(nt * nr * nk, precision.size());
        for (int t = 0, i = 0; t < nt; t++) {
            for (int q = 0; q < nr; q++) {
                for (int k = 0; k < nk; k++, i++) {
                    assertEquals(precision.get(i).getAsDouble(), e.precision(t, q, k, 0, 2), 1e-12,
                            caseName + " precision t" + t + " r" + q + " k" + k);
                }
            }
        }
        JsonArray perCat = r.getAsJsonArray("perCategoryAp");
        List<CocoEvaluation.CategoryAp> cats = e.perCategory();
        for (int k = 0; k < nk; k++) {
            JsonElement v = perCat.get(k);
            if (v.isJsonNull()) {
                assertTrue(Double.isNaN(cats.get(k).ap()));
            } else {
                assertEquals(v.getAsDouble(), cats.get(k).ap(), 1e-12, caseName + " AP of " + cats.get(k));
            }
        }
    }

    @Test
    void randomBoxes() {
        CocoEvaluation e = run("boxes_gt.json", "boxes_results.json", IouType.BBOX);
        compare("boxes", e);
        assertTrue(e.ap50() > 0.2 && e.ap() < e.ap50()); // a meaningful case, not all zeros
    }

    @Test
    void randomMasks() {
        compare("masks_segm", run("masks_gt.json", "masks_results.json", IouType.SEGM));
    }

    @Test
    void boxesOfTheMaskResults() {
        compare("masks_bbox", run("masks_gt.json", "masks_results.json", IouType.BBOX));
    }

    @Test
    void maskOnlyResultsTakeTheirAreaFromTheMask() {
        compare("masks_nobox_segm", run("masks_gt.json", "masks_results_nobox.json", IouType.SEGM));
    }
}
