package org.hybridvision.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** RandomResizedCrop, flip, RandomErasing and the full training pipeline. */
class AugmentTest {
    @Test
    void randomResizedCropSizeAndBounds() {
        RandomResizedCrop rrc = RandomResizedCrop.standard(24, Interpolation.BICUBIC);
        ByteImage img = TestData.pattern(64, 40, 2);
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 300; i++) {
            RandomResizedCrop.Box b = rrc.sample(64, 40, r);
            assertTrue(b.x() >= 0 && b.y() >= 0 && b.x() + b.width() <= 64 && b.y() + b.height() <= 40, b::toString);
            double area = (double) b.width() * b.height() / (64 * 40);
            // rounding of w and h moves the area a little outside [0.08, 1]
            assertTrue(area > 0.05 && area <= 1.0, () -> "area " + area);
            ByteImage out = rrc.apply(img, r);
            assertEquals(24, out.width());
            assertEquals(24, out.height());
            assertEquals(3, out.channels());
        }
    }

    @Test
    void randomResizedCropFallsBackToCentre() {
        // a 100x4 strip: no 3/4..4/3 crop of >= 8% area fits, so all attempts fail -> centre crop with ratio 4/3
        RandomResizedCrop rrc = RandomResizedCrop.standard(8, Interpolation.BILINEAR);
        RandomResizedCrop.Box b = rrc.sample(100, 4, new SplittableRandom(3));
        assertEquals(new RandomResizedCrop.Box(47, 0, 5, 4), b);
    }

    @Test
    void horizontalFlip() {
        ByteImage img = TestData.pattern(5, 3, 4);
        ByteImage always = new RandomHorizontalFlip(1.0).apply(img, new SplittableRandom(0));
        assertEquals(img.get(0, 1, 2), always.get(4, 1, 2));
        assertArrayEquals(img.data(), new RandomHorizontalFlip(0.0).apply(img, new SplittableRandom(0)).data());
        assertArrayEquals(img.data(), always.flipHorizontal().data());
    }

    @Test
    void randomErasingAreaBounds() {
        int c = 3;
        int h = 32;
        int w = 48;
        RandomErasing re = RandomErasing.standard(1.0);
        SplittableRandom r = new SplittableRandom(9);
        int erased = 0;
        for (int i = 0; i < 500; i++) {
            float[] x = new float[c * h * w];
            java.util.Arrays.fill(x, 7f);
            List<RandomErasing.Box> boxes = re.erase(x, 0, c, h, w, r);
            if (boxes.isEmpty()) {
                continue; // all 10 attempts failed (rare)
            }
            erased++;
            RandomErasing.Box b = boxes.get(0);
            double frac = (double) b.width() * b.height() / (h * w);
            assertTrue(frac >= 0.015 && frac <= 1.0 / 3.0 + 0.03, () -> "area fraction " + frac);
            double aspect = (double) b.height() / b.width();
            assertTrue(aspect > 0.2 && aspect < 5, () -> "aspect " + aspect);
            assertTrue(b.width() < w && b.height() < h);
            // exactly the box is overwritten, in every channel
            int changed = 0;
            for (int k = 0; k < x.length; k++) {
                if (x[k] != 7f) {
                    changed++;
                }
            }
            assertEquals(c * b.width() * b.height(), changed);
        }
        assertTrue(erased > 450);
        // p = 0: untouched
        float[] x = new float[c * h * w];
        assertTrue(RandomErasing.standard(0.0).erase(x, 0, c, h, w, r).isEmpty());
    }

    @Test
    void randomErasingProbability() {
        RandomErasing re = RandomErasing.standard(0.25);
        SplittableRandom r = new SplittableRandom(11);
        int n = 0;
        for (int i = 0; i < 4000; i++) {
            if (!re.erase(new float[3 * 16 * 16], 0, 3, 16, 16, r).isEmpty()) {
                n++;
            }
        }
        assertTrue(n > 850 && n < 1150, "erased " + n + " of 4000");
    }

    @Test
    void trainTransformIsDeterministicPerSample() {
        TrainTransform t = TrainTransform.standard(32);
        assertArrayEquals(new int[] {3, 32, 32}, t.outputShape());
        ByteImage img = TestData.pattern(50, 40, 1);
        float[] a = t.apply(img, Seeds.forSample(0, 3, 17));
        float[] b = t.apply(img, Seeds.forSample(0, 3, 17));
        float[] c = t.apply(img, Seeds.forSample(0, 3, 18));
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
        // grey input (Fashion-MNIST) works through the whole pipeline
        float[] g = t.apply(img.toGrey(), Seeds.forSample(1, 0, 0));
        assertEquals(3 * 32 * 32, g.length);
        // batch-buffer variant writes at the offset
        float[] batch = new float[2 * t.outputLength()];
        t.apply(img, Seeds.forSample(0, 3, 17), batch, t.outputLength());
        assertArrayEquals(a, java.util.Arrays.copyOfRange(batch, t.outputLength(), batch.length));
    }

    @Test
    void seedsGiveIndependentStreams() {
        assertEquals(Seeds.forSample(1, 2, 3).nextLong(), Seeds.forSample(1, 2, 3).nextLong());
        assertFalse(Seeds.forSample(1, 2, 3).nextLong() == Seeds.forSample(1, 3, 2).nextLong());
    }
}
