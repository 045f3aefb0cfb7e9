package org.hybridvision.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MixupCutmixTest {
    @Test
    void softTargetsSumToOneAndFollowTimm() {
        int[] labels = {3, 1, 4, 1, 5};
        float[] t = MixupCutmix.softTargets(labels, 10, 0.7, 0.1);
        for (int i = 0; i < labels.length; i++) {
            double sum = 0;
            for (int k = 0; k < 10; k++) {
                sum += t[i * 10 + k];
            }
            assertEquals(1.0, sum, 1e-6);
        }
        // row 0: label 3 mixed with label 5 (the reversed batch)
        float off = 0.01f;
        float on = 0.91f;
        assertEquals(on * 0.7f + off * 0.3f, t[3], 1e-7);
        assertEquals(off * 0.7f + on * 0.3f, t[5], 1e-7);
        assertEquals(off, t[0], 1e-7);
        // middle sample of an odd batch mixes with itself
        assertEquals(on, t[2 * 10 + 4], 1e-6);
    }

    @Test
    void cutmixBoxAreaMatchesLambda() {
        MixupCutmix mc = new MixupCutmix(0.0, 1.0, 1.0, 0.5, 0.1, 10);
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 200; i++) {
            MixupCutmix.Params p = mc.sample(24, 40, r);
            if (p.lambda() == 1.0 && p.box() == null) {
                continue;
            }
            assertTrue(p.cutmix());
            MixupCutmix.Box b = p.box();
            assertTrue(b.y0() >= 0 && b.y1() <= 24 && b.x0() >= 0 && b.x1() <= 40 && b.y0() <= b.y1()
                    && b.x0() <= b.x1());
            assertEquals(1.0 - b.area() / (24.0 * 40.0), p.lambda(), 1e-12);
        }
    }

    @Test
    void switchProbabilityAndBetaStatistics() {
        MixupCutmix mc = MixupCutmix.standard(10);
        SplittableRandom r = new SplittableRandom(7);
        int cut = 0;
        for (int i = 0; i < 2000; i++) {
            if (mc.sample(32, 32, r).cutmix()) {
                cut++;
            }
        }
        assertTrue(cut > 900 && cut < 1100, "cutmix chosen " + cut + " of 2000");
        double sum = 0;
        double sq = 0;
        int n = 20000;
        for (int i = 0; i < n; i++) {
            double x = Distributions.beta(r, 0.8, 0.8);
            assertTrue(x >= 0 && x <= 1);
            sum += x;
            sq += x * x;
        }
        double mean = sum / n;
        double var = sq / n - mean * mean;
        assertEquals(0.5, mean, 0.01);
        assertEquals(0.64 / (2.56 * 2.6), var, 0.005);
        double g = 0;
        for (int i = 0; i < n; i++) {
            g += Distributions.gamma(r, 0.3);
        }
        assertEquals(0.3, g / n, 0.02);
    }

    @Test
    void mixesNdArraysInTheInputsManager() {
        try (NDManager manager = NDManager.newBaseManager()) {
            int b = 4;
            int c = 2;
            int h = 6;
            int w = 5;
            float[] host = new float[b * c * h * w];
            for (int i = 0; i < host.length; i++) {
                host[i] = (i * 37 % 101) / 10f;
            }
            NDArray x = manager.create(host, new ai.djl.ndarray.types.Shape(b, c, h, w));
            int[] labels = {0, 1, 2, 3};
            MixupCutmix mc = MixupCutmix.standard(5);
            SplittableRandom r = new SplittableRandom(3);
            boolean sawMixup = false;
            boolean sawCutmix = false;
            for (int i = 0; i < 12; i++) {
                MixupCutmix.Result res = mc.apply(x, labels, r);
                assertSame(manager, res.images().getManager());
                assertSame(manager, res.targets().getManager());
                assertEquals(new ai.djl.ndarray.types.Shape(b, 5), res.targets().getShape());
                float[] expected = host.clone();
                MixupCutmix.mixInPlace(expected, b, c, h, w, res.params());
                float[] got = res.images().toFloatArray();
                for (int k = 0; k < got.length; k++) {
                    assertEquals(expected[k], got[k], 1e-5);
                }
                if (res.params().cutmix()) {
                    sawCutmix = true;
                    MixupCutmix.Box box = res.params().box();
                    // inside the box sample 0 holds sample 3's pixels
                    if (box.area() > 0) {
                        int k = box.y0() * w + box.x0();
                        assertEquals(host[3 * c * h * w + k], got[k], 0f);
                    }
                } else {
                    sawMixup = true;
                }
                float[] t = res.targets().toFloatArray();
                for (int row = 0; row < b; row++) {
                    double s = 0;
                    for (int k = 0; k < 5; k++) {
                        s += t[row * 5 + k];
                    }
                    assertEquals(1.0, s, 1e-6);
                }
                res.images().close();
                res.targets().close();
            }
            assertTrue(sawMixup && sawCutmix);
        }
    }
}
