package org.hybridvision.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.hybridvision.checkpoint.CheckpointTestSupport.assertBitExact;
import static org.hybridvision.checkpoint.CheckpointTestSupport.resource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads real torch.save files: the golden model weights and small fixtures made by
 * {@code src/test/resources/checkpoint/make_fixtures.py} (expected values were written by Python's safetensors).
 */
class TorchCheckpointReaderTest {
    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    // ---- golden model weights (zip format written by torch 1.13) ----

    @ParameterizedTest
    @ValueSource(strings = {"conformer_mini", "cmt_mini"})
    void goldenWeightsMatchMetaJson(String set) throws IOException {
        JsonObject meta = JsonParser.parseString(Files.readString(resource("/golden/" + set + "/meta.json")))
                .getAsJsonObject();
        JsonArray expected = meta.getAsJsonArray("state_dict");
        try (NDManager m = manager.newSubManager();
             StateDict sd = TorchCheckpointReader.readStateDict(resource("/golden/" + set + "/weights.pth"), m)) {
            if (set.equals("conformer_mini")) {
                assertEquals(364, sd.size());
            }
            assertEquals(expected.size(), sd.size());
            List<String> names = new ArrayList<>(sd.keys());
            int batchCounters = 0;
            for (int i = 0; i < expected.size(); i++) {
                JsonArray row = expected.get(i).getAsJsonArray();
                String name = row.get(0).getAsString();
                assertEquals(name, names.get(i), "state dict order at " + i);
                long[] shape = new long[row.get(1).getAsJsonArray().size()];
                for (int d = 0; d < shape.length; d++) {
                    shape[d] = row.get(1).getAsJsonArray().get(d).getAsLong();
                }
                NDArray array = sd.get(name);
                assertEquals(new Shape(shape), array.getShape(), name);
                String dtype = row.get(2).getAsString();
                assertEquals(dtype.equals("int64") ? DataType.INT64 : DataType.FLOAT32, array.getDataType(), name);
                if (name.endsWith("num_batches_tracked")) {
                    batchCounters++;
                    assertEquals(DataType.INT64, array.getDataType());
                    assertEquals(0, array.getShape().dimension(), name + " must be 0-dim");
                }
            }
            assertTrue(batchCounters > 0);
            assertEquals(TorchCheckpointReader.ROOT, sd.metadata().get(TorchCheckpointReader.META_SOURCE_KEY));
            assertEquals("zip", sd.metadata().get(TorchCheckpointReader.META_FORMAT));
        }
    }

    // ---- views, dtypes and 0-dim, in both formats ----

    @ParameterizedTest
    @ValueSource(strings = {"views_zip.pth", "views_legacy.pth"})
    void viewsAndDtypesAreBitExact(String file) {
        try (NDManager m = manager.newSubManager()) {
            StateDict expected = SafeTensors.read(resource("/checkpoint/views_expected.safetensors"), m);
            StateDict sd = TorchCheckpointReader.readStateDict(resource("/checkpoint/" + file), m);
            assertEquals(List.of("f32", "transposed", "sliced", "offset_flat", "shared_full", "shared_view",
                    "shared_again", "permuted", "expanded", "f16", "bf16", "f64", "i64", "i32", "i16", "i8", "u8",
                    "bool", "scalar_f32", "scalar_i64", "empty"), new ArrayList<>(sd.keys()), "names in file order");
            assertEquals(expected.size(), sd.size());
            for (String name : expected.keys()) {
                assertBitExact(expected.get(name), sd.get(name), file + " " + name);
            }
            assertEquals(file.contains("zip") ? "zip" : "legacy", sd.metadata().get("torch_format"));
            checkFormulas(sd);
        }
    }

    /** Independent of the expected file: values follow from how make_fixtures.py built them. */
    private static void checkFormulas(StateDict sd) {
        float[] f32 = sd.get("f32").toFloatArray();
        for (int i = 0; i < 24; i++) {
            assertEquals(i * 0.5f - 3f, f32[i]);
        }
        NDArray transposed = sd.get("transposed"); // base (3,4) = arange(12), transposed
        assertEquals(new Shape(4, 3), transposed.getShape());
        float[] t = transposed.toFloatArray();
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(c * 4 + r, t[r * 3 + c]);
            }
        }
        float[] sliced = sd.get("sliced").toFloatArray(); // arange(30).reshape(5,6)[1:3, 2:]
        for (int r = 0; r < 2; r++) {
            for (int c = 0; c < 4; c++) {
                assertEquals((1 + r) * 6 + 2 + c, sliced[r * 4 + c]);
            }
        }
        assertArrayEquals(new float[] {5, 6, 7, 8, 9, 10}, sd.get("offset_flat").toFloatArray());
        float[] shared = sd.get("shared_view").toFloatArray(); // (arange(10)*10)[2:8].view(2,3)
        for (int i = 0; i < 6; i++) {
            assertEquals((2 + i) * 10f, shared[i]);
        }
        assertArrayEquals(sd.get("shared_full").toFloatArray(), sd.get("shared_again").toFloatArray());
        NDArray permuted = sd.get("permuted"); // arange(120).reshape(2,3,4,5).permute(0,2,3,1)
        assertEquals(new Shape(2, 4, 5, 3), permuted.getShape());
        float[] p = permuted.toFloatArray();
        int k = 0;
        for (int a = 0; a < 2; a++) {
            for (int c = 0; c < 4; c++) {
                for (int d = 0; d < 5; d++) {
                    for (int b = 0; b < 3; b++) {
                        assertEquals(((a * 3 + b) * 4 + c) * 5 + d, p[k++]);
                    }
                }
            }
        }
        float[] expanded = sd.get("expanded").toFloatArray(); // stride 0
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                assertEquals(r, expanded[r * 4 + c]);
            }
        }
        NDArray bf16 = sd.get("bf16"); // (arange(-8,8)/3).bfloat16().reshape(4,4).t(), widened
        assertEquals(DataType.FLOAT32, bf16.getDataType());
        float[] b = bf16.toFloatArray();
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 4; c++) {
                assertEquals(toBfloat16((c * 4 + r - 8) / 3f), b[r * 4 + c]);
            }
        }
        assertEquals(DataType.FLOAT16, sd.get("f16").getDataType());
        float[] f16 = sd.get("f16").toType(DataType.FLOAT32, false).toFloatArray();
        for (int i = 0; i < 16; i++) {
            assertEquals((i - 8) / 3f, f16[i], 1e-3f);
        }
        double[] f64 = sd.get("f64").toDoubleArray();
        for (int i = 0; i < 6; i++) {
            assertEquals(i / 7.0, f64[i]);
        }
        long[] i64 = sd.get("i64").toLongArray();
        for (int i = 0; i < 6; i++) {
            assertEquals((i - 3) * 1_000_000_000_000L, i64[i]);
        }
        assertArrayEquals(new int[] {-300000, -200000, -100000, 0, 100000, 200000}, sd.get("i32").toIntArray());
        assertEquals(DataType.INT32, sd.get("i16").getDataType(), "int16 is widened to int32");
        assertArrayEquals(new int[] {-3000, -2000, -1000, 0, 1000, 2000}, sd.get("i16").toIntArray());
        assertEquals(DataType.INT8, sd.get("i8").getDataType());
        assertArrayEquals(new byte[] {-120, -90, -60, -30, 0, 30, 60, 90}, sd.get("i8").toByteArray());
        assertEquals(DataType.UINT8, sd.get("u8").getDataType());
        assertArrayEquals(new int[] {250, 251, 252, 253, 254, 255}, sd.get("u8").toUint8Array());
        assertArrayEquals(new boolean[] {true, false, true, true, false}, sd.get("bool").toBooleanArray());
        NDArray s32 = sd.get("scalar_f32");
        assertEquals(new Shape(), s32.getShape());
        assertEquals(3.25f, s32.getFloat());
        NDArray s64 = sd.get("scalar_i64");
        assertEquals(new Shape(), s64.getShape());
        assertEquals(DataType.INT64, s64.getDataType());
        assertEquals(7L, s64.getLong());
        assertEquals(new Shape(0, 3), sd.get("empty").getShape());
    }

    /** Round-to-nearest-even float32 -> bfloat16 -> float32, as torch does. */
    private static float toBfloat16(float f) {
        int bits = Float.floatToIntBits(f);
        int rounded = (bits + 0x7FFF + ((bits >>> 16) & 1)) & 0xFFFF0000;
        return Float.intBitsToFloat(rounded);
    }

    @Test
    void sameTensorPickledTwiceIsOneArray() {
        try (NDManager m = manager.newSubManager()) {
            Map<?, ?> top = (Map<?, ?>) TorchCheckpointReader.readObject(resource("/checkpoint/views_zip.pth"), m);
            assertSame(top.get("shared_full"), top.get("shared_again"));
            assertEquals(new ArrayList<>(List.of("f32", "transposed", "sliced")),
                    new ArrayList<>(top.keySet()).subList(0, 3), "dict order is kept");
        }
    }

    // ---- wrapped checkpoints ----

    @ParameterizedTest
    @ValueSource(strings = {"wrapped_zip.pth", "wrapped_legacy.pth"})
    void modelEntryOfTrainingCheckpoint(String file) {
        try (NDManager m = manager.newSubManager()) {
            StateDict expected = SafeTensors.read(resource("/checkpoint/wrapped_expected.safetensors"), m);
            StateDict sd = TorchCheckpointReader.readStateDict(resource("/checkpoint/" + file), m);
            assertEquals("model", sd.metadata().get(TorchCheckpointReader.META_SOURCE_KEY));
            assertNull(sd.metadata().get(TorchCheckpointReader.META_STRIPPED_PREFIX));
            assertEquals(List.of("conv.weight", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var",
                    "bn.num_batches_tracked", "fc.weight", "fc.bias"), new ArrayList<>(sd.keys()));
            for (String name : expected.keys()) {
                assertBitExact(expected.get(name), sd.get(name), file + " " + name);
            }
            NDArray counter = sd.get("bn.num_batches_tracked");
            assertEquals(DataType.INT64, counter.getDataType());
            assertEquals(new Shape(), counter.getShape());
            assertEquals(2L, counter.getLong(), "two training-mode forward passes in make_fixtures.py");
        }
    }

    @Test
    void wholeObjectKeepsNonTensorEntries() {
        try (NDManager m = manager.newSubManager()) {
            Map<?, ?> top = (Map<?, ?>) TorchCheckpointReader.readObject(resource("/checkpoint/wrapped_zip.pth"), m);
            assertEquals(List.of("model", "args", "epoch", "best_acc", "optimizer"), new ArrayList<>(top.keySet()));
            PythonObject args = assertInstanceOf(PythonObject.class, top.get("args"));
            assertEquals("argparse.Namespace", args.className());
            assertEquals(0.1, args.attribute("lr"));
            assertEquals("tiny", args.attribute("name"));
            assertEquals(3, ((Number) top.get("epoch")).intValue());
            assertEquals(0.5, top.get("best_acc"), "numpy float64 scalar");
            Map<?, ?> optimizer = assertInstanceOf(Map.class, top.get("optimizer"));
            Map<?, ?> state = assertInstanceOf(Map.class, optimizer.get("state"));
            Map<?, ?> first = assertInstanceOf(Map.class, state.get(0));
            assertInstanceOf(NDArray.class, first.get("momentum_buffer"));
            assertInstanceOf(List.class, optimizer.get("param_groups"));
            Map<?, ?> model = assertInstanceOf(Map.class, top.get("model"));
            assertEquals(new Shape(3, 2, 3, 3), ((NDArray) model.get("conv.weight")).getShape());
        }
    }

    @Test
    void dataParallelPrefixIsStrippedFromStateDictEntry() {
        try (NDManager m = manager.newSubManager()) {
            StateDict expected = SafeTensors.read(resource("/checkpoint/wrapped_expected.safetensors"), m);
            StateDict sd = TorchCheckpointReader.readStateDict(resource("/checkpoint/dataparallel.pth"), m);
            assertEquals("state_dict", sd.metadata().get(TorchCheckpointReader.META_SOURCE_KEY));
            assertEquals("module.", sd.metadata().get(TorchCheckpointReader.META_STRIPPED_PREFIX));
            assertEquals(List.of("conv.weight", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var",
                    "bn.num_batches_tracked", "fc.weight", "fc.bias"), new ArrayList<>(sd.keys()));
            assertEquals(expected.size(), sd.size());
            for (String name : expected.keys()) {
                assertBitExact(expected.get(name), sd.get(name), name);
            }
        }
    }

    @Test
    void unwrapRules() {
        try (NDManager m = manager.newSubManager()) {
            NDArray a = m.zeros(new Shape(1));
            Map<String, Object> sd = new LinkedHashMap<>();
            sd.put("module.x", a);
            sd.put("y", a);
            TorchCheckpointReader.Unwrapped u = TorchCheckpointReader.unwrap(sd);
            assertEquals(TorchCheckpointReader.ROOT, u.sourceKey);
            assertNull(u.strippedPrefix, "not every key has module.: nothing stripped");
            assertEquals(List.of("module.x", "y"), new ArrayList<>(u.entries.keySet()));

            Map<String, Object> wrapper = new LinkedHashMap<>();
            wrapper.put("model", Map.of("w", "not a tensor"));
            wrapper.put("state_dict", Map.of("module.w", a));
            u = TorchCheckpointReader.unwrap(wrapper);
            assertEquals("state_dict", u.sourceKey, "a 'model' entry without tensors is skipped");
            assertEquals("module.", u.strippedPrefix);
            assertEquals(List.of("w"), new ArrayList<>(u.entries.keySet()));

            assertNull(TorchCheckpointReader.unwrap(Map.of("net", Map.of("w", a))));
            assertNull(TorchCheckpointReader.unwrap(Map.of()));
            assertNull(TorchCheckpointReader.unwrap(List.of(a)));
        }
    }

    @Test
    void parametersPickledWithProtocol4() {
        try (NDManager m = manager.newSubManager()) {
            StateDict sd = TorchCheckpointReader.readStateDict(resource("/checkpoint/parameters_protocol4.pth"), m);
            assertEquals(List.of("weight", "bias"), new ArrayList<>(sd.keys()));
            assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, sd.get("weight").toFloatArray());
            assertEquals(new Shape(2, 3), sd.get("weight").getShape());
            assertArrayEquals(new float[] {-1, 1}, sd.get("bias").toFloatArray());
        }
    }

    @Test
    void unsupportedElementTypeIsNamed() {
        String msg = readFails(resource("/checkpoint/complex.pth")).getMessage();
        assertTrue(msg.contains("tensor 'c'") && msg.contains("ComplexFloat") && msg.contains("not support"), msg);
    }

    // ---- files that are not usable checkpoints ----

    private static CheckpointException readFails(Path file) {
        try (NDManager m = manager.newSubManager()) {
            CheckpointException e = assertThrows(CheckpointException.class,
                    () -> TorchCheckpointReader.readStateDict(file, m));
            assertTrue(e.getMessage().contains(file.toString()), "message names the file: " + e.getMessage());
            return e;
        }
    }

    @Test
    void truncatedZipCheckpoint(@TempDir Path dir) throws IOException {
        byte[] full = Files.readAllBytes(resource("/checkpoint/views_zip.pth"));
        Path cut = dir.resolve("cut.pth");
        Files.write(cut, Arrays.copyOf(full, full.length / 2));
        String msg = readFails(cut).getMessage();
        assertTrue(msg.contains("damaged or truncated"), msg);
    }

    @Test
    void truncatedLegacyCheckpoint(@TempDir Path dir) throws IOException {
        byte[] full = Files.readAllBytes(resource("/checkpoint/views_legacy.pth"));
        for (int length : new int[] {full.length - 10, full.length / 2, 300, 40}) {
            Path cut = dir.resolve("cut" + length + ".pth");
            Files.write(cut, Arrays.copyOf(full, length));
            String msg = readFails(cut).getMessage();
            assertTrue(msg.contains("damaged or truncated") || msg.contains("not a PyTorch checkpoint"), msg);
        }
        Path cut = dir.resolve("cut_data.pth");
        Files.write(cut, Arrays.copyOf(full, full.length - 10));
        String msg = readFails(cut).getMessage();
        assertTrue(msg.contains("damaged or truncated") && msg.contains("the file ends"), msg);
    }

    @Test
    void emptyFile(@TempDir Path dir) throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.pth"));
        String msg = readFails(empty).getMessage();
        assertTrue(msg.contains("is not a PyTorch checkpoint (torch.save file)"), msg);
        assertTrue(msg.contains("empty"), msg);
    }

    @Test
    void textFile(@TempDir Path dir) throws IOException {
        Path text = dir.resolve("notes.pth");
        Files.writeString(text, "epoch,loss\n1,0.5\n", StandardCharsets.UTF_8);
        String msg = readFails(text).getMessage();
        assertTrue(msg.contains("is not a PyTorch checkpoint (torch.save file): expected a zip archive with "
                + "data.pkl or a legacy pickle"), msg);
        assertTrue(msg.contains("text file"), msg);
        assertTrue(msg.contains("torch.save(model.state_dict()"), "says what to do: " + msg);
    }

    @Test
    void pngFile(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("weights.pth");
        byte[] bytes = new byte[64];
        byte[] magic = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
        System.arraycopy(magic, 0, bytes, 0, magic.length);
        Files.write(png, bytes);
        String msg = readFails(png).getMessage();
        assertTrue(msg.contains("is not a PyTorch checkpoint"), msg);
        assertTrue(msg.contains("PNG image"), msg);
    }

    @Test
    void missingFileAndDirectory(@TempDir Path dir) {
        assertTrue(readFails(dir.resolve("nope.pth")).getMessage().contains("does not exist"));
        assertTrue(readFails(dir).getMessage().contains("is a directory"));
    }

    @Test
    void pickleWithoutTensors() {
        String msg = readFails(resource("/checkpoint/no_tensors.pth")).getMessage();
        assertTrue(msg.contains("holds no state dict"), msg);
        assertTrue(msg.contains("no tensors"), msg);
        assertTrue(msg.contains("epoch"), "lists the top-level keys: " + msg);
    }

    @Test
    void plainPickleAndTorchScript() {
        String msg = readFails(resource("/checkpoint/plain.pkl")).getMessage();
        assertTrue(msg.contains("not a PyTorch checkpoint") && msg.contains("magic number"), msg);
        msg = readFails(resource("/checkpoint/torchscript.pt")).getMessage();
        assertTrue(msg.contains("TorchScript"), msg);
    }

    @Test
    void zipWithoutDataPklOrWithGarbagePickle(@TempDir Path dir) throws IOException {
        Path npz = dir.resolve("arrays.npz");
        writeZip(npz, "a.npy", new byte[] {1, 2, 3});
        String msg = readFails(npz).getMessage();
        assertTrue(msg.contains("zip archive without data.pkl"), msg);

        Path garbage = dir.resolve("garbage.pth");
        writeZip(garbage, "archive/data.pkl", new byte[] {(byte) 0x80, 2, 'Z', 'Z', 'Z', '.'});
        msg = readFails(garbage).getMessage();
        assertTrue(msg.contains("damaged or truncated") && msg.contains("data.pkl"), msg);
    }

    @Test
    void zipWithMissingStorageEntriesFailsCleanly(@TempDir Path dir) throws IOException {
        // the real data.pkl and the first three storages; the fourth tensor's storage is absent
        Path file = dir.resolve("partial.pth");
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(resource("/checkpoint/wrapped_zip.pth").toFile());
             OutputStream out = Files.newOutputStream(file); ZipOutputStream copy = new ZipOutputStream(out)) {
            for (String name : List.of("wrapped_zip/data.pkl", "wrapped_zip/data/0", "wrapped_zip/data/1",
                    "wrapped_zip/data/2")) {
                copy.putNextEntry(new ZipEntry(name));
                copy.write(zip.getInputStream(zip.getEntry(name)).readAllBytes());
                copy.closeEntry();
            }
        }
        String msg = readFails(file).getMessage();
        assertTrue(msg.contains("damaged or truncated") && msg.contains("missing"), msg);
        try (NDManager m = manager.newSubManager()) {
            assertThrows(CheckpointException.class, () -> TorchCheckpointReader.readObject(file, m));
            assertThrows(CheckpointException.class, () -> TorchCheckpointReader.readStateDict(file, m));
            assertTrue(m.getManagedArrays().stream().allMatch(NDArray::isReleased),
                    "arrays created before the failure are closed");
        }
    }

    private static void writeZip(Path file, String entry, byte[] content) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(entry));
            zip.write(content);
            zip.closeEntry();
        }
    }

    @Test
    void jsonMetaIsWhatWeThinkItIs() throws IOException {
        // guards the golden test above against a silently different meta.json layout
        JsonElement first = JsonParser.parseString(Files.readString(resource("/golden/conformer_mini/meta.json")))
                .getAsJsonObject().getAsJsonArray("state_dict").get(0);
        assertEquals(3, first.getAsJsonArray().size());
    }
}
