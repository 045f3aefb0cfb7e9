package org.hybridvision.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Resize} against Pillow 9.4's Image.resize (resize_refs.npz, made by make_resize_refs.py): bit-exact. */
class ResizeParityTest {
    @Test
    void matchesPillowBilinearBicubicGreyUpAndDown() {
        Map<String, NpyArray> refs = Npz.read(TestData.resource("resize_refs.npz"));
        int n = 0;
        while (refs.containsKey("src" + n)) {
            NpyArray src = refs.get("src" + n);
            NpyArray dst = refs.get("dst" + n);
            long[] s = src.shape();
            long[] d = dst.shape();
            ByteImage in = new ByteImage((int) s[1], (int) s[0], s.length == 3 ? 3 : 1, src.uint8());
            Interpolation f = refs.get("filter" + n).ints()[0] == 0 ? Interpolation.BILINEAR : Interpolation.BICUBIC;
            ByteImage out = Resize.resize(in, (int) d[1], (int) d[0], f);
            assertArrayEquals(dst.uint8(), out.data(), "case " + n);
            n++;
        }
        assertEquals(10, n);
    }
}
