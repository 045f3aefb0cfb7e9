package org.hybridvision.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.hybridvision.checkpoint.CheckpointTestSupport.assertBitExact;
import static org.hybridvision.checkpoint.CheckpointTestSupport.resource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Round trips, header layout, files written by Python's safetensors, and corrupt files. */
class SafeTensorsTest {
    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    /** One array of every writable type, including 0-dim and empty ones, with metadata. */
    private static StateDict sample(NDManager m) {
        StateDict sd = new StateDict();
        sd.put("f32", m.arange(24f).reshape(2, 3, 4).mul(0.25f).sub(1f));
        sd.put("f32_transposed", m.arange(6f).reshape(2, 3).transpose()); // non-contiguous source
        sd.put("f64", m.create(new double[] {Math.PI, -1e300, Double.MIN_VALUE}));
        sd.put("f16", m.create(new float[] {0.5f, -2f, 65504f, 1e-4f}).toType(DataType.FLOAT16, false));
        sd.put("i64", m.create(new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE}));
        sd.put("i32", m.create(new int[] {Integer.MIN_VALUE, 7, Integer.MAX_VALUE}, new Shape(3, 1)));
        sd.put("i8", m.create(new byte[] {-128, -1, 0, 127}));
        ByteBuffer u8 = ByteBuffer.allocateDirect(3).put(new byte[] {0, (byte) 200, (byte) 255}).flip();
        sd.put("u8", m.create(u8, new Shape(3), DataType.UINT8));
        sd.put("bool", m.create(new boolean[] {true, false, true}));
        sd.put("scalar_f32", m.create(2.5f));
        sd.put("scalar_i64", m.create(42L));
        sd.put("empty", m.zeros(new Shape(0, 4)));
        sd.metadata().put("model", "cmt_ti");
        sd.metadata().put("note", "ünïcödé \"quoted\" <tag>");
        return sd;
    }

    @Test
    void roundTripKeepsTypesShapesValuesOrderAndMetadata(@TempDir Path dir) {
        try (NDManager m = manager.newSubManager()) {
            StateDict original = sample(m);
            assertEquals(0, original.get("scalar_f32").getShape().dimension());
            Path file = dir.resolve("all.safetensors");
            SafeTensors.write(file, original);
            StateDict back = SafeTensors.read(file, m);
            assertEquals(new ArrayList<>(original.keys()), new ArrayList<>(back.keys()));
            for (String name : original.keys()) {
                assertBitExact(original.get(name), back.get(name), name);
            }
            assertEquals(new Shape(), back.get("scalar_f32").getShape());
            assertEquals(new Shape(), back.get("scalar_i64").getShape());
            assertEquals(42L, back.get("scalar_i64").getLong());
            assertEquals(original.metadata(), back.metadata());
            assertEquals(original.metadata(), SafeTensors.readMetadata(file));
        }
    }

    @Test
    void headerIsPaddedAlignedAndContiguous(@TempDir Path dir) throws IOException {
        try (NDManager m = manager.newSubManager()) {
            StateDict sd = sample(m);
            Path file = dir.resolve("layout.safetensors");
            SafeTensors.write(file, sd);
            byte[] raw = Files.readAllBytes(file);
            long n = ByteBuffer.wrap(raw, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertEquals(0, n % 8, "header length is a multiple of 8");
            String header = new String(raw, 8, (int) n, StandardCharsets.UTF_8);
            assertTrue(header.startsWith("{"));
            assertEquals(header.strip() + " ".repeat(header.length() - header.strip().length()), header,
                    "padding is trailing spaces");
            JsonObject json = JsonParser.parseString(header).getAsJsonObject();
            assertEquals("cmt_ti", json.getAsJsonObject("__metadata__").get("model").getAsString());
            long expectedBegin = 0;
            for (String name : sd.keys()) {
                JsonObject entry = json.getAsJsonObject(name);
                JsonArray offsets = entry.getAsJsonArray("data_offsets");
                assertEquals(expectedBegin, offsets.get(0).getAsLong(), name);
                expectedBegin = offsets.get(1).getAsLong();
            }
            assertEquals(raw.length, 8 + n + expectedBegin, "data ends exactly at the end of the file");
            assertEquals("[]", json.getAsJsonObject("scalar_f32").get("shape").toString());
            assertEquals("\"F16\"", json.getAsJsonObject("f16").get("dtype").toString());
            assertEquals("\"BOOL\"", json.getAsJsonObject("bool").get("dtype").toString());
            // little-endian payload: f32 starts with -1.0f
            int f32Begin = (int) (8 + n + json.getAsJsonObject("f32").getAsJsonArray("data_offsets").get(0)
                    .getAsLong());
            assertEquals(-1f, ByteBuffer.wrap(raw, f32Begin, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat());
        }
    }

    @Test
    void readsFilesWrittenByPythonIncludingBf16AndI16() {
        try (NDManager m = manager.newSubManager()) {
            StateDict sd = SafeTensors.read(resource("/checkpoint/python_bf16_i16.safetensors"), m);
            assertEquals(Map.of("written_by", "safetensors.torch"), sd.metadata());
            NDArray bf16 = sd.get("bf16");
            assertEquals(DataType.FLOAT32, bf16.getDataType(), "bf16 is widened to float32");
            assertBitExact(sd.get("bf16_as_f32"), bf16, "bf16");
            assertEquals(DataType.INT32, sd.get("i16").getDataType(), "int16 is widened to int32");
            assertArrayEquals(new int[] {-3000, -2000, -1000, 0, 1000, 2000}, sd.get("i16").toIntArray());
            assertEquals(new Shape(), sd.get("scalar_bf16").getShape());
            assertEquals(-2.5f, sd.get("scalar_bf16").getFloat());
        }
    }

    @Test
    void entriesComeBackInDataOffsetOrder() {
        // Python's safetensors writes the JSON keys sorted by name but the data in its own order
        try (NDManager m = manager.newSubManager()) {
            StateDict sd = SafeTensors.read(resource("/checkpoint/views_expected.safetensors"), m);
            assertEquals(21, sd.size());
            assertEquals(new Shape(2, 4, 5, 3), sd.get("permuted").getShape());
        }
    }

    @Test
    void overwriteIsAtomicAndLeavesNoTempFiles(@TempDir Path dir) throws IOException {
        try (NDManager m = manager.newSubManager()) {
            Path file = dir.resolve("w.safetensors");
            StateDict one = new StateDict();
            one.put("a", m.ones(new Shape(2)));
            SafeTensors.write(file, one);
            StateDict two = new StateDict();
            two.put("b", m.zeros(new Shape(3)));
            SafeTensors.write(file, two);
            assertEquals(List.of("b"), new ArrayList<>(SafeTensors.read(file, m).keys()));
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(List.of("w.safetensors"), files.map(p -> p.getFileName().toString())
                        .collect(Collectors.toList()));
            }
            SafeTensors.write(dir.resolve("empty.safetensors"), new StateDict());
            assertEquals(0, SafeTensors.read(dir.resolve("empty.safetensors"), m).size());
        }
    }

    private static String readFails(Path file) {
        try (NDManager m = manager.newSubManager()) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> SafeTensors.read(file, m));
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
            assertTrue(m.getManagedArrays().stream().allMatch(NDArray::isReleased), "nothing leaked");
            return e.getMessage();
        }
    }

    @Test
    void corruptFiles(@TempDir Path dir) throws IOException {
        Path good = dir.resolve("good.safetensors");
        try (NDManager m = manager.newSubManager()) {
            SafeTensors.write(good, sample(m));
        }
        byte[] raw = Files.readAllBytes(good);
        long n = ByteBuffer.wrap(raw, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();

        Path truncated = dir.resolve("truncated.safetensors");
        Files.write(truncated, Arrays.copyOf(raw, raw.length - 5));
        String msg = readFails(truncated);
        assertTrue(msg.contains("not a valid safetensors file") && msg.contains("truncated"), msg);

        Path cutHeader = dir.resolve("cut_header.safetensors");
        Files.write(cutHeader, Arrays.copyOf(raw, (int) (8 + n / 2)));
        msg = readFails(cutHeader);
        assertTrue(msg.contains("header length"), msg);

        Path empty = dir.resolve("empty.safetensors");
        Files.write(empty, new byte[0]);
        assertTrue(readFails(empty).contains("less than the 8-byte header length"));

        Path badJson = dir.resolve("bad_json.safetensors");
        byte[] broken = raw.clone();
        broken[8] = 'X';
        Files.write(badJson, broken);
        assertTrue(readFails(badJson).contains("not valid JSON"));

        Path text = dir.resolve("text.safetensors");
        Files.writeString(text, "just some text, not tensors at all");
        assertTrue(readFails(text).contains("header length"));

        Path wrongSize = dir.resolve("wrong_size.safetensors");
        writeRaw(wrongSize, "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]);
        assertTrue(readFails(wrongSize).contains("needs 12 bytes"));

        Path gap = dir.resolve("gap.safetensors");
        writeRaw(gap, "{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[2,4]}}", new byte[4]);
        assertTrue(readFails(gap).contains("gap"));

        Path dtype = dir.resolve("dtype.safetensors");
        writeRaw(dtype, "{\"a\":{\"dtype\":\"C64\",\"shape\":[1],\"data_offsets\":[0,8]}}", new byte[8]);
        assertTrue(readFails(dtype).contains("dtype C64"));

        Path malformed = dir.resolve("malformed.safetensors");
        writeRaw(malformed, "{\"a\":{\"dtype\":\"F32\",\"shape\":\"x\"}}", new byte[0]);
        assertTrue(readFails(malformed).contains("malformed"));

        assertTrue(readFails(dir.resolve("missing.safetensors")).contains("does not exist"));
    }

    private static void writeRaw(Path file, String header, byte[] data) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json).put(data);
        Files.write(file, b.array());
    }
}
