package org.hybridvision.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hybridvision.HybridVisionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @TempDir
    Path tmp;

    private static Map<String, NpyArray> sample() {
        Map<String, NpyArray> m = new LinkedHashMap<>();
        m.put("f4", NpyArray.of(new float[] {1.5f, -2f, Float.NaN, 3e-20f, 0f, 7f}, 2, 3));
        m.put("f8", NpyArray.of(new double[] {Math.PI, -1e300}, 2));
        m.put("i8", NpyArray.of(new long[] {Long.MIN_VALUE, 42}, 1, 2));
        m.put("i4", NpyArray.of(new int[] {-1, 2, 3}, 3));
        m.put("u1", NpyArray.ofUint8(new byte[] {0, (byte) 255, 7, 8}, 2, 2));
        m.put("scalar", NpyArray.of(new float[] {2.5f}));
        m.put("empty", NpyArray.of(new float[0], 0, 4));
        return m;
    }

    private static void assertSameArray(NpyArray a, NpyArray b) {
        assertEquals(a.dtype(), b.dtype());
        assertArrayEquals(a.shape(), b.shape());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(Double.doubleToLongBits(a.getDouble(i)), Double.doubleToLongBits(b.getDouble(i)));
        }
    }

    @Test
    void npyRoundTripAllTypes() {
        for (Map.Entry<String, NpyArray> e : sample().entrySet()) {
            Path f = tmp.resolve(e.getKey() + ".npy");
            Npy.write(f, e.getValue());
            assertSameArray(e.getValue(), Npy.read(f));
        }
        byte[] bytes = Npy.toBytes(NpyArray.of(new float[] {1f}, 1));
        assertEquals(0, (bytes.length - 4) % 64); // header padded to 64 bytes, then 4 data bytes
    }

    @Test
    void npzRoundTripStoredAndDeflated() {
        for (boolean compress : new boolean[] {false, true}) {
            Path f = tmp.resolve("x" + compress + ".npz");
            Npz.write(f, sample(), compress);
            Map<String, NpyArray> back = Npz.read(f);
            assertEquals(sample().keySet(), back.keySet());
            for (String k : back.keySet()) {
                assertSameArray(sample().get(k), back.get(k));
            }
        }
    }

    @Test
    void readsFilesWrittenByNumpy() {
        for (String name : new String[] {"npy_interop.npz", "npy_interop_c.npz"}) {
            Map<String, NpyArray> m = Npz.read(TestData.resource(name));
            assertArrayEquals(new long[] {2, 3, 4}, m.get("f4").shape());
            assertEquals(23 / 8f, m.get("f4").floats()[23]);
            assertArrayEquals(new double[] {1.5, -2.25, 1e300}, m.get("f8").doubles());
            assertArrayEquals(new long[] {-(1L << 40), 7}, m.get("i8").longs());
            assertArrayEquals(new int[] {-5, 0, Integer.MAX_VALUE}, m.get("i4").ints());
            assertArrayEquals(new byte[] {0, 1, (byte) 128, (byte) 255}, m.get("u1").uint8());
            assertArrayEquals(new byte[] {1, 0, 1}, m.get("b1").uint8());
            assertArrayEquals(new long[0], m.get("scalar").shape());
            assertEquals(3.25f, m.get("scalar").floats()[0]);
            assertArrayEquals(new long[] {0, 4}, m.get("empty").shape());
        }
        NpyArray be = Npy.read(TestData.resource("npy_bigendian_f4.npy"));
        assertArrayEquals(new float[] {-2.5f, -1.5f, -0.5f, 0.5f, 1.5f, 2.5f}, be.floats());
    }

    @Test
    void clearErrors() throws Exception {
        Path trunc = tmp.resolve("t.npy");
        byte[] full = Npy.toBytes(NpyArray.of(new float[100], 100));
        Files.write(trunc, java.util.Arrays.copyOf(full, full.length - 10));
        HybridVisionException e = assertThrows(HybridVisionException.class, () -> Npy.read(trunc));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains(trunc.toString()));
        Path text = tmp.resolve("x.npy");
        Files.writeString(text, "hello");
        assertThrows(HybridVisionException.class, () -> Npy.read(text));
        assertThrows(HybridVisionException.class, () -> Npz.read(text));
        assertThrows(HybridVisionException.class, () -> Npz.read(tmp.resolve("missing.npz")));
    }

    @Test
    void ndArrayRoundTrip() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (NpyArray a : sample().values()) {
                if (a.size() == 0) {
                    continue;
                }
                NDArray nd = a.toNDArray(manager);
                assertEquals(a.dtype().djl(), nd.getDataType());
                assertSameArray(a, NpyArray.fromNDArray(nd));
            }
            NDArray half = manager.ones(new ai.djl.ndarray.types.Shape(2)).toType(DataType.FLOAT16, false);
            assertThrows(HybridVisionException.class, () -> NpyArray.fromNDArray(half));
        }
    }
}
