package org.hybridvision.detection.roi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.hybridvision.data.NpyArray;
import org.hybridvision.data.Npz;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;

/** The reference values of {@code roi/roi_refs.npz} (made once by {@code roi/make_roi_refs.py}, torchvision 0.14). */
final class RoiRefs {
    private static Map<String, NpyArray> refs;

    private RoiRefs() {}

    /** @return the array stored under {@code key} */
    static synchronized NpyArray get(String key) {
        if (refs == null) {
            try {
                refs = Npz.read(Path.of(RoiRefs.class.getResource("/roi/roi_refs.npz").toURI()));
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        NpyArray a = refs.get(key);
        if (a == null) {
            throw new IllegalArgumentException("no reference " + key);
        }
        return a;
    }

    /** @return whether {@code key} is stored */
    static boolean has(String key) {
        get("a0_out");
        return refs.containsKey(key);
    }

    /** @return the array under {@code key} in {@code manager} */
    static NDArray nd(NDManager manager, String key) {
        return get(key).toNDArray(manager);
    }

    /** Asserts equal shapes and {@code max |actual - expected| <= tol}; returns the error. */
    static double assertClose(float[] expected, long[] shape, NDArray actual, double tol, String what) {
        assertArrayEquals(shape, actual.getShape().getShape(), what + ": shape");
        return assertClose(expected, actual.toFloatArray(), tol, what);
    }

    /** Asserts {@code max |actual - expected| <= tol}; returns the error. */
    static double assertClose(float[] expected, float[] actual, double tol, String what) {
        assertTrue(expected.length == actual.length, what + ": " + actual.length + " values, expected "
                + expected.length);
        double err = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            double e = Math.abs((double) expected[i] - actual[i]);
            if (!(e <= err)) {
                err = e;
                at = i;
            }
        }
        int where = at;
        double worst = err;
        assertTrue(err <= tol, () -> what + ": max abs error " + worst + " > " + tol + " at flat index " + where
                + " (expected " + expected[where] + ", got " + actual[where] + ")");
        return err;
    }
}
