package org.hybridvision.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The evaluation transform against torchvision's official output (transform_refs.npz, made by
 * make_transform_refs.py with torchvision 0.14.1 / Pillow 9.4.0), and the Pillow-exact building blocks.
 */
class TransformParityTest {
    /** Measured: 0 for every case (bit-identical). The bound leaves room only for float summation noise. */
    private static final double MAX_ABS = 1e-6;

    @Test
    void evalTransformMatchesTorchvision() {
        Map<String, NpyArray> refs = Npz.read(TestData.resource("transform_refs.npz"));
        assertEquals(4, refs.size());
        for (Map.Entry<String, NpyArray> e : refs.entrySet()) {
            String[] parts = e.getKey().split("@");
            int size = Integer.parseInt(parts[1]);
            assertArrayEquals(new long[] {3, size, size}, e.getValue().shape());
            EvalTransform t = EvalTransform.forInput(size);
            float[] got = t.apply(Images.read(TestData.photo(parts[0])));
            float[] ref = e.getValue().floats();
            assertEquals(ref.length, got.length);
            double max = 0;
            double sum = 0;
            for (int i = 0; i < ref.length; i++) {
                double d = Math.abs(got[i] - ref[i]);
                max = Math.max(max, d);
                sum += d;
            }
            System.out.printf(Locale.ROOT, "parity %-22s resize %d crop %d: mean |diff| %.3e, max |diff| %.3e%n",
                    e.getKey(), t.resizeSize(), size, sum / ref.length, max);
            final double maxDiff = max;
            assertTrue(max <= MAX_ABS, () -> e.getKey() + ": max |diff| " + maxDiff);
        }
    }

    @Test
    void resizeSizeRules() {
        assertEquals(256, EvalTransform.resizeSize(224, 0.875f));
        assertEquals(182, EvalTransform.resizeSize(160, 0.875f));
        assertEquals(219, EvalTransform.resizeSize(192, 0.875f));
        assertEquals(292, EvalTransform.resizeSize(256, 0.875f));
        assertEquals(300, EvalTransform.resizeSize(255, 0.85f)); // decimal 0.85, not 0.85000002
        assertEquals(248, EvalTransform.resizeSize(224, 0.9f));
        // torchvision Resize(int): shorter side -> size, longer side truncated
        assertArrayEquals(new int[] {384, 256}, Resize.shorterSideSize(600, 400, 256));
        assertArrayEquals(new int[] {256, 384}, Resize.shorterSideSize(400, 600, 256));
        assertArrayEquals(new int[] {383, 255}, Resize.shorterSideSize(451, 300, 255));
        assertArrayEquals(new int[] {224, 224}, Resize.shorterSideSize(50, 50, 224));
    }

    @Test
    void centerCropUsesPythonRounding() {
        ByteImage img = TestData.pattern(11, 9, 3);
        // (11 - 4) / 2 = 3.5 -> 4 (half to even), (9 - 4) / 2 = 2.5 -> 2
        ByteImage c = CenterCrop.crop(img, 4, 4);
        assertEquals(img.get(4, 2, 0), c.get(0, 0, 0));
        assertEquals(img.get(7, 5, 1), c.get(3, 3, 1));
        // larger than the image: zero padding, left/top = (w - W) // 2
        ByteImage p = CenterCrop.crop(img, 14, 9);
        assertEquals(14, p.width());
        assertEquals(0, p.get(0, 0, 0));
        assertEquals(img.get(0, 0, 1), p.get(1, 0, 1));
        assertEquals(0, p.get(13, 8, 2));
    }

    @Test
    void resizeKeepsConstantsAndIsIdentityAtSameSize() {
        byte[] d = new byte[7 * 5 * 3];
        java.util.Arrays.fill(d, (byte) 200);
        ByteImage flat = new ByteImage(7, 5, 3, d);
        for (Interpolation ip : Interpolation.values()) {
            ByteImage up = Resize.resize(flat, 23, 11, ip);
            ByteImage down = Resize.resize(flat, 2, 3, ip);
            for (byte v : up.data()) {
                assertEquals(200, v & 0xFF);
            }
            for (byte v : down.data()) {
                assertEquals(200, v & 0xFF);
            }
            assertTrue(Resize.resize(flat, 7, 5, ip) == flat);
        }
    }

    @Test
    void normalizeMatchesTorchFloatArithmeticAndReplicatesGrey() {
        ByteImage grey = new ByteImage(2, 1, 1, new byte[] {0, (byte) 255});
        float[] out = Normalize.imagenet().apply(grey);
        assertEquals(6, out.length);
        for (int c = 0; c < 3; c++) {
            assertEquals((0f - Normalize.IMAGENET_MEAN[c]) / Normalize.IMAGENET_STD[c], out[c * 2], 0f);
            assertEquals((1f - Normalize.IMAGENET_MEAN[c]) / Normalize.IMAGENET_STD[c], out[c * 2 + 1], 0f);
        }
        assertArrayEquals(new int[] {124, 116, 104}, Normalize.imagenet().meanPixel());
        // grey eval input (Fashion-MNIST) -> 3 x 224 x 224
        float[] fm = EvalTransform.forInput(224).apply(TestData.pattern(28, 28, 5).toGrey());
        assertEquals(3 * 224 * 224, fm.length);
    }
}
