package org.hybridvision.detection.roi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.hybridvision.data.NpyArray;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/** {@link RoiFeatureExtractor} against mmdetection's SingleRoIExtractor (roi_refs.npz cases e*). */
class RoiFeatureExtractorTest {
    @Test
    void levelsFollowTheScaleRule() {
        RoiFeatureExtractor ex = RoiFeatureExtractor.of(7, 4, 8, 16, 32);
        // sqrt(area): below 112 -> 0, [112, 224) -> 1, [224, 448) -> 2, from 448 -> 3 (clamped)
        float[][] boxes = {{0, 0, 10, 10}, {0, 0, 111.9f, 111.9f}, {0, 0, 112, 112}, {5, 5, 229, 229},
            {0, 0, 223, 223}, {0, 0, 224, 224}, {0, 0, 447, 448}, {0, 0, 448, 448}, {0, 0, 5000, 5000},
            {3, 3, 3, 9}, {10, 10, 5, 20}, {10, 10, 5, 5}};
        int[] expected = {0, 0, 1, 2, 1, 2, 2, 3, 3, 0, -1, 0};
        float[] rois = new float[boxes.length * 5];
        for (int i = 0; i < boxes.length; i++) {
            System.arraycopy(boxes[i], 0, rois, 5 * i + 1, 4);
        }
        assertArrayEquals(expected, ex.mapRoiLevels(rois));
        assertEquals(1, RoiFeatureExtractor.level(0, 0, 448, 448, 56, 2), "clamped to the levels available");
    }

    @Test
    void matchesMmdetectionInValueAndGradient() {
        for (int i = 0; RoiRefs.has("e" + i + "_out"); i++) {
            String p = "e" + i + "_";
            int size = (int) RoiRefs.get(p + "params").doubles()[0];
            RoiFeatureExtractor ex = RoiFeatureExtractor.of(size, 4, 8, 16, 32);
            try (NDManager m = NDManager.newBaseManager()) {
                List<NDArray> feats = new ArrayList<>();
                for (int l = 0; l < 4; l++) {
                    NDArray f = RoiRefs.nd(m, p + "feat" + l);
                    f.setRequiresGradient(true);
                    feats.add(f);
                }
                NDArray rois = RoiRefs.nd(m, p + "rois");
                long[] levels = RoiRefs.get(p + "levels").longs();
                int[] mapped = ex.mapRoiLevels(rois);
                for (int k = 0; k < levels.length; k++) {
                    assertEquals(levels[k], mapped[k], p + "level of RoI " + k);
                }
                NpyArray out = RoiRefs.get(p + "out");
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray y = ex.extract(feats, rois);
                    assertSame(m, y.getManager());
                    RoiRefs.assertClose(out.toFloatArray(), out.shape(), y, 1e-5, p + "out");
                    gc.backward(y.mul(RoiRefs.nd(m, p + "grad_out")).sum());
                }
                for (int l = 0; l < 4; l++) {
                    NpyArray g = RoiRefs.get(p + "grad" + l);
                    RoiRefs.assertClose(g.toFloatArray(), g.shape(), feats.get(l).getGradient(), 1e-5,
                            p + "grad" + l);
                }
            }
        }
    }

    @Test
    void usesOnlyItsLevelsAndChecksTheMaps() {
        RoiFeatureExtractor ex = RoiFeatureExtractor.of(7, 4, 8);
        try (NDManager m = NDManager.newBaseManager()) {
            List<NDArray> five = new ArrayList<>();
            for (int l = 0; l < 5; l++) {
                five.add(m.randomNormal(new Shape(1, 2, 64 >> l, 64 >> l)));
            }
            float[] rois = {0, 0, 0, 40, 40, 0, 0, 0, 200, 200};
            NDArray y = ex.extract(five, rois);
            assertEquals(new Shape(2, 2, 7, 7), y.getShape());
            // the large RoI is clamped to the second (last) level
            NDArray alone = ex.roiAlign(1).apply(five.get(1), new float[] {0, 0, 0, 200, 200});
            assertArrayEquals(alone.toFloatArray(), y.get(1).toFloatArray());
            assertEquals(new Shape(0, 2, 7, 7), ex.extract(five, new float[0]).getShape());

            String msg = assertThrows(IllegalArgumentException.class,
                    () -> ex.extract(five.subList(0, 1), rois)).getMessage();
            assertTrue(msg.contains("2 levels") && msg.contains("1 feature map"), msg);
            List<NDArray> mixed = List.of(five.get(0), m.zeros(new Shape(1, 3, 32, 32)));
            msg = assertThrows(IllegalArgumentException.class, () -> ex.extract(mixed, rois)).getMessage();
            assertTrue(msg.contains("same batch size and channels"), msg);
        }
    }
}
