package org.hybridvision.detection.roi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.hybridvision.data.NpyArray;
import org.junit.jupiter.api.Test;

/** {@link RoiAlign} against {@code torchvision.ops.roi_align} (values and gradients, roi_refs.npz cases a*). */
class RoiAlignTest {
    private static final double TOL = 1e-5;

    @Test
    void matchesTorchvisionInValueAndGradient() {
        int cases = 0;
        for (int i = 0; RoiRefs.has("a" + i + "_out"); i++, cases++) {
            String p = "a" + i + "_";
            double[] params = RoiRefs.get(p + "params").doubles();
            RoiAlign op = RoiAlign.builder().spatialScale((float) params[0])
                    .outputSize((int) params[1], (int) params[2]).samplingRatio((int) params[3])
                    .aligned(params[4] != 0).build();
            NpyArray out = RoiRefs.get(p + "out");
            NpyArray grad = RoiRefs.get(p + "grad");
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray feats = RoiRefs.nd(m, p + "feats");
                NDArray rois = RoiRefs.nd(m, p + "rois");
                NDArray gradOut = RoiRefs.nd(m, p + "grad_out");
                feats.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray y = op.apply(feats, rois);
                    assertSame(m, y.getManager(), "result in the features' manager");
                    RoiRefs.assertClose(out.toFloatArray(), out.shape(), y, TOL, p + "out");
                    gc.backward(y.mul(gradOut).sum());
                }
                RoiRefs.assertClose(grad.toFloatArray(), grad.shape(), feats.getGradient(), TOL, p + "grad");
            }
        }
        assertTrue(cases >= 10, "reference cases found: " + cases);
    }

    @Test
    void channelsLastFeaturesGiveTheSameResult() {
        String p = "a2_";
        double[] params = RoiRefs.get(p + "params").doubles();
        RoiAlign op = RoiAlign.builder().spatialScale((float) params[0]).outputSize((int) params[1]).build();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray feats = RoiRefs.nd(m, p + "feats");
            long[] s = feats.getShape().getShape();
            NDArray nhwc = feats.transpose(0, 2, 3, 1).reshape(s[0], s[2] * s[3] * s[1]).reshape(s[0], s[2], s[3],
                    s[1]).transpose(0, 3, 1, 2);
            NDArray rois = RoiRefs.nd(m, p + "rois");
            assertArrayEquals(op.apply(feats, rois).toFloatArray(), op.apply(nhwc, rois).toFloatArray());
        }
    }

    @Test
    void noRoisGiveAnEmptyResult() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray feats = m.randomNormal(new Shape(2, 4, 5, 6));
            NDArray y = RoiAlign.of(7, 0.5f).apply(feats, m.zeros(new Shape(0, 5)));
            assertEquals(new Shape(0, 4, 7, 7), y.getShape());
        }
    }

    @Test
    void roisOutsideTheMapGiveZerosAndStillBackpropagate() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray feats = m.randomNormal(new Shape(1, 2, 5, 6));
            feats.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = RoiAlign.of(2, 1f).apply(feats, new float[] {0, 50, 50, 60, 60, 0, 3, 3, 3, 3});
                assertEquals(0f, y.abs().sum().getFloat());
                gc.backward(y.sum());
            }
            assertEquals(0f, feats.getGradient().abs().sum().getFloat());
        }
    }

    @Test
    void leavesNoTemporariesInTheCallersManager() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray feats = m.randomNormal(new Shape(1, 3, 8, 8));
            NDArray rois = m.create(new float[] {0, 1, 1, 6, 7}, new Shape(1, 5));
            int before = m.getManagedArrays().size();
            NDArray y = RoiAlign.of(3, 1f).apply(feats, rois);
            assertEquals(before + 1, m.getManagedArrays().size(), "only the result is added");
            assertSame(m, feats.getManager(), "the features go back to their manager");
            y.close();
        }
    }

    @Test
    void badInputIsRefusedWithAMessage() {
        RoiAlign op = RoiAlign.of(7, 0.25f);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray feats = m.zeros(new Shape(2, 3, 8, 8));
            String msg = assertThrows(IllegalArgumentException.class,
                    () -> op.apply(feats, new float[] {2, 0, 0, 4, 4})).getMessage();
            assertTrue(msg.contains("batch index 2.0") && msg.contains("2 image(s)"), msg);
            msg = assertThrows(IllegalArgumentException.class,
                    () -> op.apply(feats, new float[] {0.5f, 0, 0, 4, 4})).getMessage();
            assertTrue(msg.contains("batch index 0.5"), msg);
            msg = assertThrows(IllegalArgumentException.class,
                    () -> op.apply(feats, new float[] {0, 0, Float.NaN, 4, 4})).getMessage();
            assertTrue(msg.contains("non-finite"), msg);
            msg = assertThrows(IllegalArgumentException.class,
                    () -> op.apply(feats, m.zeros(new Shape(3, 4)))).getMessage();
            assertTrue(msg.contains("[K, 5]"), msg);
            msg = assertThrows(IllegalArgumentException.class,
                    () -> op.apply(m.zeros(new Shape(3, 8, 8)), new float[0])).getMessage();
            assertTrue(msg.contains("[N, C, H, W]"), msg);
            msg = assertThrows(IllegalArgumentException.class,
                    () -> op.apply(m.zeros(new Shape(1, 3, 8, 8), DataType.FLOAT64), new float[0])).getMessage();
            assertTrue(msg.contains("float32"), msg);
            assertThrows(IllegalArgumentException.class, () -> RoiAlign.builder().outputSize(0));
            assertThrows(IllegalArgumentException.class, () -> RoiAlign.builder().spatialScale(0));
            assertThrows(IllegalArgumentException.class, () -> RoiAlign.builder().samplingRatio(-1));
        }
    }
}
