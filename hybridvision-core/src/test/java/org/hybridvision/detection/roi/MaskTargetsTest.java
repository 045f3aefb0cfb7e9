package org.hybridvision.detection.roi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.hybridvision.data.NpyArray;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/** {@link MaskTargets} against mmdetection's mask_target on torchvision's roi_align (roi_refs.npz cases m*). */
class MaskTargetsTest {
    static List<BinaryMask> masks(NpyArray a) {
        long[] s = a.shape();
        int h = (int) s[1];
        int w = (int) s[2];
        byte[] all = a.uint8();
        List<BinaryMask> out = new ArrayList<>();
        for (int g = 0; g < s[0]; g++) {
            byte[] one = new byte[h * w];
            System.arraycopy(all, g * h * w, one, 0, h * w);
            out.add(BinaryMask.of(h, w, one));
        }
        return out;
    }

    @Test
    void matchesMmdetectionTargets() {
        int cases = 0;
        for (int i = 0; RoiRefs.has("m" + i + "_targets"); i++, cases++) {
            String p = "m" + i + "_";
            List<BinaryMask> gt = masks(RoiRefs.get(p + "masks"));
            float[] proposals = RoiRefs.get(p + "proposals").floats();
            long[] assigned = RoiRefs.get(p + "assigned").longs();
            int[] idx = new int[assigned.length];
            for (int k = 0; k < idx.length; k++) {
                idx[k] = (int) assigned[k];
            }
            NpyArray soft = RoiRefs.get(p + "soft");
            int size = (int) soft.shape()[1];
            double[] ours = MaskTargets.soft(proposals, idx, gt, size);
            float[] f = new float[ours.length];
            for (int k = 0; k < f.length; k++) {
                f[k] = (float) ours[k];
            }
            RoiRefs.assertClose(soft.floats(), f, 1e-5, p + "soft");
            byte[] expected = RoiRefs.get(p + "targets").uint8();
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray props = m.create(proposals, new Shape(idx.length, 4));
                NDArray t = MaskTargets.compute(props, m.create(assigned), gt, size);
                assertSame(m, t.getManager());
                assertEquals(new Shape(idx.length, size, size), t.getShape());
                float[] got = t.toFloatArray();
                int ones = 0;
                for (int k = 0; k < got.length; k++) {
                    assertEquals(expected[k], (byte) got[k], p + "target " + k + " (soft " + soft.floats()[k] + ")");
                    ones += expected[k];
                }
                assertTrue(ones > 0 && ones < got.length, p + "targets are neither all 0 nor all 1");
            }
        }
        assertEquals(3, cases);
    }

    @Test
    void wholeMaskBoxGivesTheMaskAtTheTargetSize() {
        // a 56x56 mask whose left half is set, cropped by its own box to 28x28: exactly the left 14 columns
        byte[] px = new byte[56 * 56];
        for (int y = 0; y < 56; y++) {
            for (int x = 0; x < 28; x++) {
                px[y * 56 + x] = 1;
            }
        }
        List<BinaryMask> gt = List.of(BinaryMask.of(56, 56, px));
        double[] t = MaskTargets.soft(new float[] {0, 0, 56, 56}, new int[] {0}, gt, 28);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                assertEquals(x < 14 ? 1.0 : 0.0, t[y * 28 + x], 1e-12, "cell " + y + "," + x);
            }
        }
        // a box wholly outside the image is clipped to nothing: all 0
        double[] none = MaskTargets.soft(new float[] {60, 60, 90, 90}, new int[] {0}, gt, 28);
        assertEquals(0.0, java.util.Arrays.stream(none).sum());
    }

    @Test
    void badInputIsRefused() {
        List<BinaryMask> gt = List.of(BinaryMask.empty(10, 10), BinaryMask.empty(10, 12));
        String msg = assertThrows(IllegalArgumentException.class,
                () -> MaskTargets.soft(new float[] {0, 0, 5, 5}, new int[] {0}, gt, 28)).getMessage();
        assertTrue(msg.contains("10x12"), msg);
        List<BinaryMask> one = List.of(BinaryMask.empty(10, 10));
        msg = assertThrows(IllegalArgumentException.class,
                () -> MaskTargets.soft(new float[] {0, 0, 5, 5}, new int[] {1}, one, 28)).getMessage();
        assertTrue(msg.contains("assigned ground truth 1"), msg);
        msg = assertThrows(IllegalArgumentException.class,
                () -> MaskTargets.soft(new float[] {0, 0, 5, 5}, new int[] {0, 0}, one, 28)).getMessage();
        assertTrue(msg.contains("1 proposals but 2"), msg);
        try (NDManager m = NDManager.newBaseManager()) {
            assertArrayEquals(new long[] {0, 28, 28}, MaskTargets.compute(m.zeros(new Shape(0, 4)),
                    m.zeros(new Shape(0), ai.djl.ndarray.types.DataType.INT64), one, 28).getShape().getShape());
        }
    }
}
