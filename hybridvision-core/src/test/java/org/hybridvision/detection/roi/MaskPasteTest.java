package org.hybridvision.detection.roi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.hybridvision.data.NpyArray;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

/** {@link MaskPaste} against mmdetection's _do_paste_mask on torch's grid_sample (roi_refs.npz cases p*). */
class MaskPasteTest {
    @Test
    void matchesMmdetectionPaste() {
        int cases = 0;
        for (int i = 0; RoiRefs.has("p" + i + "_binary"); i++, cases++) {
            String p = "p" + i + "_";
            NpyArray probs = RoiRefs.get(p + "probs");
            long[] s = probs.shape();
            double[] hw = RoiRefs.get(p + "params").doubles();
            int h = (int) hw[0];
            int w = (int) hw[1];
            float[] boxes = RoiRefs.get(p + "boxes").floats();
            float[] soft = MaskPaste.pasteSoft(probs.floats(), (int) s[1], (int) s[2], boxes, h, w);
            RoiRefs.assertClose(RoiRefs.get(p + "soft").floats(), soft, 1e-6, p + "soft");
            byte[] binary = RoiRefs.get(p + "binary").uint8();
            List<BinaryMask> masks;
            try (NDManager m = NDManager.newBaseManager()) {
                masks = MaskPaste.paste(m.create(probs.floats(), new Shape(s)),
                        m.create(boxes, new Shape(s[0], 4)), h, w, MaskPaste.DEFAULT_THRESHOLD);
            }
            assertEquals(s[0], masks.size());
            try (NDManager m = NDManager.newBaseManager()) {
                List<org.hybridvision.detection.coco.Rle> rles = MaskPaste.pasteToRle(m.create(probs.floats(),
                        new Shape(s)), m.create(boxes, new Shape(s[0], 4)), h, w, 0.5f);
                for (int k = 0; k < s[0]; k++) {
                    assertEquals(org.hybridvision.detection.coco.Rle.fromMask(Arrays.copyOfRange(binary, k * h * w,
                            (k + 1) * h * w), h, w), rles.get(k), p + "RLE " + k);
                }
            }
            for (int k = 0; k < s[0]; k++) {
                byte[] expected = Arrays.copyOfRange(binary, k * h * w, (k + 1) * h * w);
                assertTrue(Arrays.equals(expected, masks.get(k).toRowMajorBytes()), p + "mask " + k);
            }
        }
        assertEquals(3, cases);
    }

    @Test
    void constantMaskFillsItsBox() {
        // a mask of ones pasted at an integer box covers the box's pixels, and the one-pixel rim where the
        // bilinear weight of the mask's edge is still >= 0.5 (pixel centres half a cell outside): here none
        float[] ones = new float[28 * 28];
        Arrays.fill(ones, 1f);
        BinaryMask m = MaskPaste.paste(ones, 28, 28, new float[] {10, 20, 38, 48}, 60, 80, 0.5f).get(0);
        assertEquals(28 * 28, m.area());
        assertEquals(List.of(10, 20, 38, 48), Arrays.stream(m.bounds()).boxed().toList());
        BinaryMask none = MaskPaste.paste(ones, 28, 28, new float[] {10, 20, 38, 48}, 60, 80, 1.01f).get(0);
        assertEquals(0, none.area());
    }

    @Test
    void badInputIsRefused() {
        String msg = assertThrows(IllegalArgumentException.class,
                () -> MaskPaste.paste(new float[28 * 28], 28, 28, new float[8], 10, 10, 0.5f)).getMessage();
        assertTrue(msg.contains("2 boxes need 2 masks"), msg);
        try (NDManager m = NDManager.newBaseManager()) {
            msg = assertThrows(IllegalArgumentException.class, () -> MaskPaste.paste(m.zeros(new Shape(2, 3, 28, 28)),
                    m.zeros(new Shape(2, 4)), 10, 10, 0.5f)).getMessage();
            assertTrue(msg.contains("[N, S, S]"), msg);
        }
    }
}
