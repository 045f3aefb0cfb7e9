package org.hybridvision.detection.roi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.hybridvision.detection.coco.Rle;
import org.junit.jupiter.api.Test;

import java.util.Random;

/** {@link BinaryMask}: storage by tight region, pixel orders, equality. */
class BinaryMaskTest {
    @Test
    void keepsThePixelsAndTheirOrders() {
        // 3x4 image: pixels (0,1), (1,1), (1,2) set
        byte[] px = {0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0};
        BinaryMask m = BinaryMask.of(3, 4, px);
        assertEquals(3, m.area());
        assertArrayEquals(new int[] {1, 0, 3, 2}, m.bounds());
        assertTrue(m.get(1, 2));
        assertFalse(m.get(2, 3));
        assertArrayEquals(px, m.toRowMajorBytes());
        // column-major: columns 0..3, each top to bottom
        assertArrayEquals(new byte[] {0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 0}, m.toColumnMajorBytes());
        assertThrows(IndexOutOfBoundsException.class, () -> m.get(3, 0));
        float[] window = new float[6];
        m.copyWindow(0, 1, 2, 3, window);
        assertArrayEquals(new float[] {1, 0, 0, 1, 1, 0}, window);
    }

    @Test
    void equalityIsByPixels() {
        boolean[] a = new boolean[20];
        a[7] = true;
        byte[] b = new byte[20];
        b[7] = 5;
        assertEquals(BinaryMask.of(4, 5, a), BinaryMask.of(4, 5, b));
        assertEquals(BinaryMask.of(4, 5, a).hashCode(), BinaryMask.of(4, 5, b).hashCode());
        assertNotEquals(BinaryMask.of(4, 5, a), BinaryMask.of(5, 4, a));
        assertEquals(BinaryMask.empty(4, 5), BinaryMask.of(4, 5, new byte[20]));
        assertEquals(0, BinaryMask.empty(4, 5).area());
        try (NDManager m = NDManager.newBaseManager()) {
            assertEquals(BinaryMask.of(4, 5, b), BinaryMask.of(m.create(b, new Shape(4, 5))));
        }
        assertThrows(IllegalArgumentException.class, () -> BinaryMask.of(4, 4, new byte[20]));
        assertThrows(IllegalArgumentException.class, () -> BinaryMask.empty(0, 4));
    }

    @Test
    void convertsToAndFromCocoRle() {
        Random rnd = new Random(7);
        for (int t = 0; t < 200; t++) {
            int h = 1 + rnd.nextInt(9);
            int w = 1 + rnd.nextInt(9);
            byte[] px = new byte[h * w];
            double p = rnd.nextDouble();
            for (int i = 0; i < px.length; i++) {
                px[i] = (byte) (rnd.nextDouble() < p ? 1 : 0);
            }
            BinaryMask m = BinaryMask.of(h, w, px);
            Rle expected = Rle.fromMask(px, h, w);
            assertEquals(expected, m.toRle(), "case " + t);
            assertEquals(m, BinaryMask.of(expected));
            assertArrayEquals(expected.toColumnMajor(), m.toColumnMajorBytes());
        }
        // a run that continues from the bottom of one column to the top of the next: column-major 0 1 | 1 0 | 0 0
        byte[] px = {0, 1, 0, 1, 0, 0};
        assertArrayEquals(new int[] {1, 2, 3}, BinaryMask.of(2, 3, px).toRle().counts());
        assertEquals(Rle.empty(3, 4), BinaryMask.empty(3, 4).toRle());
    }
}
