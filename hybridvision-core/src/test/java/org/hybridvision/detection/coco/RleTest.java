package org.hybridvision.detection.coco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.List;

/** Hand-made cases for {@link Rle}, {@link Polygons} and {@link CocoBox} (their answers worked out by hand). */
class RleTest {

    /**
     * <pre>
     * 0 1 1 0
     * 0 1 0 0
     * 1 1 0 0
     * </pre>
     * Column-major: 0 0 1 | 1 1 1 | 1 0 0 | 0 0 0 gives runs 2, 5, 5.
     */
    private static final boolean[] MASK = {
        false, true, true, false,
        false, true, false, false,
        true, true, false, false};

    @Test
    void encodesColumnMajorRunsStartingWithBackground() {
        Rle r = Rle.fromMask(MASK, 3, 4);
        assertArrayEquals(new int[] {2, 5, 5}, r.counts());
        assertEquals(5, r.area());
        assertEquals(new CocoBox(0, 0, 3, 3), r.boundingBox());
        assertArrayEquals(MASK, r.toMask());
        assertArrayEquals(new byte[] {0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0}, r.toColumnMajor());
        assertEquals(r, Rle.fromColumnMajor(r.toColumnMajor(), 3, 4));
        byte[] bytes = new byte[MASK.length];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (MASK[i] ? 7 : 0);
        }
        assertEquals(r, Rle.fromMask(bytes, 3, 4));
    }

    @Test
    void maskStartingWithObjectHasEmptyFirstRun() {
        boolean[] m = {true, false, false, false}; // 2 x 2, pixel (0, 0) set
        Rle r = Rle.fromMask(m, 2, 2);
        assertArrayEquals(new int[] {0, 1, 3}, r.counts());
        assertEquals(new CocoBox(0, 0, 1, 1), r.boundingBox());
        assertArrayEquals(new int[] {4}, Rle.empty(2, 2).counts());
        assertEquals(new CocoBox(0, 0, 0, 0), Rle.empty(2, 2).boundingBox());
        assertTrue(Rle.empty(2, 2).isEmpty());
    }

    @Test
    void compressedStringRoundTrip() {
        Rle r = Rle.fromMask(MASK, 3, 4);
        // 2, 5, 5: each below 16, one character each: '0' + value
        assertEquals("255", r.toCompressedString());
        assertEquals(r, Rle.fromCompressedString("255", 3, 4));
        // counts from the fourth on are stored as differences to the count two before: the fourth, 1, becomes
        // 1 - 2 = -1, one 5-bit group 0b11111 (sign bit set, no continuation): '0' + 31 = 'O'
        Rle s = Rle.of(1, 7, new int[] {1, 2, 3, 1});
        assertEquals("123O", s.toCompressedString());
        assertEquals(s, Rle.fromCompressedString("123O", 1, 7));
    }

    @Test
    void malformedCountsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Rle.of(2, 2, new int[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> Rle.of(2, 2, new int[] {5, -1}));
        assertThrows(IllegalArgumentException.class, () -> Rle.fromCompressedString("25 5", 3, 4));
        assertThrows(IllegalArgumentException.class, () -> Rle.fromCompressedString("2P", 3, 4)); // ends mid-number
        assertThrows(IllegalArgumentException.class, () -> Rle.fromCompressedString("254", 3, 4)); // sum 11
    }

    @Test
    void emptyRunsAreCanonicalised() {
        // 0 background, 0 object, 1 background, 3 object = 1 background then 3 object
        assertArrayEquals(new int[] {1, 3}, Rle.of(2, 2, new int[] {0, 0, 1, 3}).counts());
        assertArrayEquals(new int[] {4}, Rle.of(2, 2, new int[] {4, 0}).counts());
        assertArrayEquals(new int[] {2, 2}, Rle.of(2, 2, new int[] {1, 0, 1, 2}).counts());
    }

    @Test
    void unionIntersectionAndIou() {
        Rle left = Rle.fromMask(new boolean[] {true, false, true, false}, 2, 2); // column 0
        Rle top = Rle.fromMask(new boolean[] {true, true, false, false}, 2, 2); // row 0
        assertEquals(3, left.union(top).area());
        assertEquals(1, left.intersection(top).area());
        assertEquals(1, left.intersectionArea(top));
        assertEquals(1.0 / 3, Rle.iou(left, top, false), 1e-15);
        Rle all = Rle.fromMask(new boolean[] {true, true, true, true}, 2, 2);
        // crowd: the denominator is the detection's area, so a detection inside the crowd region overlaps fully
        assertEquals(1.0, Rle.iou(left, all, true), 0);
        assertEquals(0.5, Rle.iou(left, all, false), 0);
        assertEquals(0.5, Rle.iou(all, left, true), 0); // detection half outside the crowd region
        assertEquals(0.0, Rle.iou(left, Rle.empty(2, 2), false), 0);
        assertEquals(all, Rle.union(List.of(left, top, all)));
        assertThrows(IllegalArgumentException.class, () -> Rle.iou(left, Rle.empty(3, 2), false));
    }

    @Test
    void boundingBoxOfRunWrappingColumns() {
        // 4 x 3, pixels (x=0, y=3) and (x=1, y=0): one run in column-major order across the column boundary
        boolean[] m = new boolean[12];
        m[3 * 3] = true;
        m[1] = true;
        Rle r = Rle.fromMask(m, 4, 3);
        assertArrayEquals(new int[] {3, 2, 7}, r.counts());
        assertEquals(new CocoBox(0, 0, 2, 4), r.boundingBox());
    }

    @Test
    void boxRasterisationCoversPixelCentres() {
        // box [1, 1, 2, 2] covers pixels 1..2 in x and y
        Rle r = Rle.fromBox(new CocoBox(1, 1, 2, 2), 4, 4);
        assertEquals(4, r.area());
        assertEquals(new CocoBox(1, 1, 2, 2), r.boundingBox());
        // partly outside: clipped to the image
        assertEquals(new CocoBox(0, 0, 2, 2), Rle.fromBox(new CocoBox(-3, -3, 5, 5), 4, 4).boundingBox());
    }

    @Test
    void polygonsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> Polygons.of(new double[] {0, 0, 1, 1, 2}));
        assertThrows(IllegalArgumentException.class, () -> Polygons.of(new double[] {0, 0, 1, 1}));
        assertThrows(IllegalArgumentException.class, () -> Polygons.of(new double[] {0, 0, 1, Double.NaN, 2, 2}));
        assertThrows(IllegalArgumentException.class, () -> Polygons.of(List.of()));
        Polygons p = Polygons.of(new double[] {1, 1, 5, 1, 5, 4}, new double[] {7, 7, 9, 7, 9, 9});
        assertEquals(CocoBox.fromXyxy(1, 1, 9, 9), p.boundingBox());
        assertEquals(2, p.size());
        // two disjoint parts: the mask is their union
        Rle both = p.toRle(12, 12);
        assertEquals(Polygons.of(new double[] {1, 1, 5, 1, 5, 4}).toRle(12, 12).area()
                + Polygons.of(new double[] {7, 7, 9, 7, 9, 9}).toRle(12, 12).area(), both.area());
    }

    @Test
    void boxIouWithCrowdRule() {
        CocoBox a = new CocoBox(0, 0, 10, 10);
        CocoBox b = new CocoBox(5, 0, 10, 10);
        assertEquals(50.0 / 150, CocoBox.iou(a, b, false), 1e-15);
        assertEquals(0.5, CocoBox.iou(a, b, true), 0);
        assertEquals(0, CocoBox.iou(a, new CocoBox(10, 0, 5, 5), false), 0); // touching edges: no overlap
        CocoBox inside = new CocoBox(2, 2, 3, 3);
        assertEquals(1.0, CocoBox.iou(inside, a, true), 0);
        assertEquals(new CocoBox(0, 0, 4, 3), new CocoBox(-2, -1, 6, 4).clip(10, 10));
        assertTrue(new CocoBox(12, 0, 3, 3).clip(10, 10).isEmpty());
    }
}
