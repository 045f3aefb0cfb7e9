package org.hybridvision.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.hybridvision.HybridVisionException;
import org.junit.jupiter.api.Test;

/** RandAugment: every op against Pillow (augment_refs.npz from make_augment_refs.py), determinism, config parsing. */
class RandAugmentTest {
    private static final int[] FILL = {124, 116, 104};

    private static ByteImage image(NpyArray a) {
        long[] s = a.shape();
        return new ByteImage((int) s[1], (int) s[0], s.length == 3 ? 3 : 1, a.uint8());
    }

    private static ByteImage run(String op, double v, Interpolation ip, ByteImage src, int[] fill) {
        switch (op) {
            case "autocontrast": return PilOps.autoContrast(src);
            case "equalize": return PilOps.equalize(src);
            case "invert": return PilOps.invert(src);
            case "posterize": return PilOps.posterize(src, (int) v);
            case "solarize": return PilOps.solarize(src, (int) v);
            case "solarizeadd": return PilOps.solarizeAdd(src, (int) v, 128);
            case "color": return PilOps.color(src, v);
            case "contrast": return PilOps.contrast(src, v);
            case "brightness": return PilOps.brightness(src, v);
            case "sharpness": return PilOps.sharpness(src, v);
            case "rotate": return Affine.rotate(src, v, ip, fill);
            case "shearx": return Affine.transform(src, new double[] {1, v, 0, 0, 1, 0}, ip, fill);
            case "sheary": return Affine.transform(src, new double[] {1, 0, 0, v, 1, 0}, ip, fill);
            case "translatex": return Affine.transform(src, new double[] {1, 0, v * src.width(), 0, 1, 0}, ip, fill);
            case "translatey": return Affine.transform(src, new double[] {1, 0, 0, 0, 1, v * src.height()}, ip,
                    fill);
            default: throw new IllegalArgumentException(op);
        }
    }

    @Test
    void everyOpMatchesPillowExactly() {
        Map<String, NpyArray> refs = Npz.read(TestData.resource("augment_refs.npz"));
        int checked = 0;
        for (String mode : new String[] {"rgb", "l"}) {
            ByteImage src = image(refs.get("src_" + mode));
            int[] fill = mode.equals("rgb") ? FILL : new int[] {ByteImage.luma(124, 116, 104)};
            for (Map.Entry<String, NpyArray> e : refs.entrySet()) {
                if (!e.getKey().startsWith(mode + "/")) {
                    continue;
                }
                String name = e.getKey().substring(mode.length() + 1);
                String op = name.replaceAll("[-0-9.].*$", "").replaceAll("_.*", "");
                String arg = name.substring(op.length()).replaceAll("_.*", "");
                double v = arg.isEmpty() ? 0 : Double.parseDouble(arg);
                Interpolation ip = name.endsWith("_bilinear") ? Interpolation.BILINEAR : Interpolation.BICUBIC;
                ByteImage got = run(op, v, ip, src, fill);
                assertArrayEquals(e.getValue().uint8(), got.data(), e.getKey());
                checked++;
            }
        }
        assertEquals(44, checked);
    }

    @Test
    void deterministicForASeed() {
        ByteImage img = TestData.pattern(40, 30, 7);
        RandAugment ra = RandAugment.imagenetDefault();
        for (long seed = 0; seed < 20; seed++) {
            ByteImage a = ra.apply(img, new SplittableRandom(seed));
            ByteImage b = ra.apply(img, new SplittableRandom(seed));
            assertArrayEquals(a.data(), b.data());
            assertEquals(img.width(), a.width());
            assertEquals(img.height(), a.height());
        }
        int changed = 0;
        for (long seed = 0; seed < 20; seed++) {
            if (!Arrays.equals(img.data(), ra.apply(img, new SplittableRandom(seed)).data())) {
                changed++;
            }
        }
        assertTrue(changed >= 10, "RandAugment changed only " + changed + " of 20 images");
    }

    @Test
    void magnitudeArgumentsFollowTimm() {
        RandAugment ra = RandAugment.imagenetDefault();
        ByteImage img = TestData.pattern(16, 12, 1);
        RandomGenerator positive = new FixedDoubles(0.0); // _randomly_negate keeps the sign when random() <= 0.5
        assertArrayEquals(PilOps.posterize(img, 1).data(),
                ra.apply(img, RandAugment.Op.POSTERIZE_INCREASING, 9, positive).data());
        assertArrayEquals(PilOps.solarize(img, 26).data(),
                ra.apply(img, RandAugment.Op.SOLARIZE_INCREASING, 9, positive).data());
        assertArrayEquals(PilOps.solarizeAdd(img, 99, 128).data(),
                ra.apply(img, RandAugment.Op.SOLARIZE_ADD, 9, positive).data());
        assertArrayEquals(PilOps.contrast(img, 1.0 + 0.9 * 0.9).data(),
                ra.apply(img, RandAugment.Op.CONTRAST_INCREASING, 9, positive).data());
        assertArrayEquals(PilOps.color(img, 1.0 - 0.9 * 0.9).data(),
                ra.apply(img, RandAugment.Op.COLOR_INCREASING, 9, new FixedDoubles(0.9)).data());
        assertArrayEquals(Affine.rotate(img, 27.0, Interpolation.BICUBIC, FILL).data(),
                ra.apply(img, RandAugment.Op.ROTATE, 9, positive).data());
        assertArrayEquals(Affine.rotate(img, -27.0, Interpolation.BICUBIC, FILL).data(),
                ra.apply(img, RandAugment.Op.ROTATE, 9, new FixedDoubles(0.9)).data());
        assertFalse(Arrays.equals(img.data(), ra.apply(img, RandAugment.Op.SHEAR_X, 9, positive).data()));
    }

    @Test
    void parsesTimmConfigStrings() {
        assertTrue(RandAugment.parse("rand-m9-mstd0.5-inc1", Interpolation.BICUBIC, FILL).toString()
                .contains("m=9.0, mstd=0.5"));
        assertTrue(RandAugment.parse("rand-n3-m7-inc1-p0.7", Interpolation.BILINEAR, FILL).toString()
                .contains("n=3, m=7.0"));
        assertThrows(HybridVisionException.class, () -> RandAugment.parse("rand-m9", Interpolation.BICUBIC, FILL));
        assertThrows(HybridVisionException.class, () -> RandAugment.parse("augmix-m5", Interpolation.BICUBIC, FILL));
        assertThrows(HybridVisionException.class,
                () -> RandAugment.parse("rand-m9-x4-inc1", Interpolation.BICUBIC, FILL));
    }

    /** A generator whose nextDouble() always returns the same value. */
    private static final class FixedDoubles implements RandomGenerator {
        private final double value;

        FixedDoubles(double value) {
            this.value = value;
        }

        @Override
        public long nextLong() {
            return 0;
        }

        @Override
        public double nextDouble() {
            return value;
        }
    }
}
