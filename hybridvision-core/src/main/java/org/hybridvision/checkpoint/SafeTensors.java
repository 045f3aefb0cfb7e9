package org.hybridvision.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reader and writer for the safetensors format (as defined by Hugging Face's {@code safetensors} package): an
 * 8-byte little-endian header length N, N bytes of UTF-8 JSON
 * {@code {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ..., "__metadata__": {..}}},
 * then the tensors' raw little-endian bytes, offsets relative to the end of the header.
 *
 * <p>Element types F32, F64, F16, I64, I32, I8, U8 and BOOL round-trip unchanged; on reading, BF16 is widened
 * to float32 and I16 to int32 (the PyTorch engine of DJL cannot hold those types). 0-dim arrays stay 0-dim.
 * Writing is atomic: a temporary file in the target folder is renamed over the target once complete, so a crash
 * never leaves a half-written file under the final name.
 */
public final class SafeTensors {
    private static final String METADATA_KEY = "__metadata__";
    /** Same bound as the reference implementation: a larger header means a corrupt file. */
    private static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();
    private static final SecureRandom RANDOM = new SecureRandom();

    private SafeTensors() {
    }

    /**
     * Writes a state dict, in its order, with its metadata as {@code __metadata__}.
     *
     * @param file the target; its folder must exist; an existing file is replaced
     * @param stateDict the arrays (any device; they are copied to the host) and metadata
     * @throws CheckpointException when an array has an element type safetensors cannot hold here, or on I/O
     *     failure
     */
    public static void write(Path file, StateDict stateDict) {
        List<String> names = new ArrayList<>(stateDict.keys());
        List<ByteBuffer> blobs = new ArrayList<>();
        Map<String, Object> header = new LinkedHashMap<>();
        if (!stateDict.metadata().isEmpty()) {
            header.put(METADATA_KEY, new LinkedHashMap<>(stateDict.metadata()));
        }
        long offset = 0;
        for (String name : names) {
            NDArray array = stateDict.get(name);
            TensorCodec.DType type = TensorCodec.DType.fromDjl(array.getDataType());
            if (type == null) {
                throw new CheckpointException("Cannot write '" + name + "' to " + file + ": element type "
                        + array.getDataType() + " is not supported (supported: float32, float64, float16, int64, "
                        + "int32, int8, uint8, boolean).");
            }
            ByteBuffer bytes = TensorCodec.littleEndianBytes(array, type);
            long expected = array.getShape().size() * type.size;
            if (bytes.remaining() != expected) {
                throw new CheckpointException("Cannot write '" + name + "' to " + file + ": got "
                        + bytes.remaining() + " bytes for " + array.getShape() + " " + array.getDataType());
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", type.safetensorsName);
            entry.put("shape", array.getShape().getShape());
            entry.put("data_offsets", new long[] {offset, offset + expected});
            header.put(name, entry);
            blobs.add(bytes);
            offset += expected;
        }
        byte[] json = GSON.toJson(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();

        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Path tmp = null;
        try {
            // not Files.createTempFile: that makes the file owner-only (0600); this one gets the usual umask
            tmp = dir.resolve("." + target.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                writeFully(ch, head);
                for (ByteBuffer b : blobs) {
                    writeFully(ch, b);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (NoSuchFileException e) {
            throw new CheckpointException("Cannot write " + file + ": folder " + dir + " does not exist.", e);
        } catch (IOException e) {
            throw new CheckpointException("Cannot write " + file + " (" + e + ").", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** One header entry. */
    private static final class Entry {
        final String name;
        final TensorCodec.DType type;
        final long[] shape;
        final long begin;
        final long end;

        Entry(String name, TensorCodec.DType type, long[] shape, long begin, long end) {
            this.name = name;
            this.type = type;
            this.shape = shape;
            this.begin = begin;
            this.end = end;
        }
    }

    /**
     * Reads a safetensors file.
     *
     * @param file the file
     * @param manager where the arrays are created; the caller closes it (or the returned dict)
     * @return the tensors in file order (by data offset) and the {@code __metadata__} map (empty if none)
     * @throws CheckpointException when the file is missing, not safetensors, truncated or inconsistent
     */
    public static StateDict read(Path file, NDManager manager) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            StateDict out = new StateDict();
            Header header = readHeader(file, ch, out.metadata());
            try {
                for (Entry e : header.entries) {
                    ByteBuffer bytes = ByteBuffer.allocate((int) (e.end - e.begin)).order(ByteOrder.LITTLE_ENDIAN);
                    readFully(ch, header.dataStart + e.begin, bytes);
                    bytes.clear();
                    out.put(e.name, TensorCodec.toNDArray(manager, bytes, e.type, 0, e.shape,
                            TensorCodec.contiguousStrides(e.shape)));
                }
            } catch (IOException | TensorCodec.LayoutException | RuntimeException ex) {
                out.close();
                if (ex instanceof CheckpointException) {
                    throw (CheckpointException) ex;
                }
                throw corrupt(file, "reading the tensor data failed (" + ex.getMessage() + ")", ex);
            }
            return out;
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file + " does not exist.", e);
        } catch (IOException e) {
            throw new CheckpointException(file + " cannot be read (" + e + ").", e);
        }
    }

    /**
     * Reads only the {@code __metadata__} of a safetensors file (no tensor data), after checking its header.
     *
     * @param file the file
     * @return the metadata in file order, empty if none
     * @throws CheckpointException when the file is missing, not safetensors, truncated or inconsistent
     */
    public static Map<String, String> readMetadata(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Map<String, String> metadata = new LinkedHashMap<>();
            readHeader(file, ch, metadata);
            return metadata;
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file + " does not exist.", e);
        } catch (IOException e) {
            throw new CheckpointException(file + " cannot be read (" + e + ").", e);
        }
    }

    /** A parsed, validated header. */
    private static final class Header {
        final long dataStart;
        final List<Entry> entries;

        Header(long dataStart, List<Entry> entries) {
            this.dataStart = dataStart;
            this.entries = entries;
        }
    }

    private static Header readHeader(Path file, FileChannel ch, Map<String, String> metadata) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw corrupt(file, "it has only " + size + " bytes, less than the 8-byte header length");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, 0, lenBuf);
        long headerLen = lenBuf.getLong(0);
        if (headerLen <= 0 || headerLen > MAX_HEADER_BYTES || headerLen > size - 8) {
            throw corrupt(file, "its header length field says " + headerLen + " bytes but the file has "
                    + size + " bytes" + (headerLen > size - 8 && headerLen <= MAX_HEADER_BYTES
                    ? " (truncated?)" : ""));
        }
        ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
        readFully(ch, 8, headerBuf);
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(headerBuf.flip()).toString();
        } catch (CharacterCodingException e) {
            throw corrupt(file, "its header is not UTF-8 text");
        }
        long dataStart = 8 + headerLen;
        return new Header(dataStart, parseHeader(file, json, size - dataStart, metadata));
    }

    private static List<Entry> parseHeader(Path file, String json, long dataSize, Map<String, String> metadata) {
        JsonObject root;
        try {
            JsonElement parsed = JsonParser.parseString(json);
            if (!parsed.isJsonObject()) {
                throw corrupt(file, "its header is not a JSON object");
            }
            root = parsed.getAsJsonObject();
        } catch (JsonParseException e) {
            throw corrupt(file, "its header is not valid JSON (" + e.getMessage() + ")", e);
        }
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonElement> kv : root.entrySet()) {
            String name = kv.getKey();
            if (name.equals(METADATA_KEY)) {
                if (kv.getValue().isJsonObject()) {
                    for (Map.Entry<String, JsonElement> m : kv.getValue().getAsJsonObject().entrySet()) {
                        JsonElement v = m.getValue();
                        metadata.put(m.getKey(), v.isJsonPrimitive() ? v.getAsString() : v.toString());
                    }
                } else if (!kv.getValue().isJsonNull()) {
                    throw corrupt(file, "its __metadata__ is not a JSON object");
                }
                continue;
            }
            entries.add(parseEntry(file, name, kv.getValue(), dataSize));
        }
        entries.sort(Comparator.comparingLong((Entry e) -> e.begin).thenComparingLong(e -> e.end));
        long expectedBegin = 0;
        for (Entry e : entries) {
            if (e.begin != expectedBegin) {
                throw corrupt(file, "tensor '" + e.name + "' starts at data offset " + e.begin + " but the "
                        + "previous one ends at " + expectedBegin + " (overlapping or with a gap)");
            }
            expectedBegin = e.end;
        }
        return entries;
    }

    private static Entry parseEntry(Path file, String name, JsonElement value, long dataSize) {
        try {
            JsonObject o = value.getAsJsonObject();
            String dtype = o.get("dtype").getAsString();
            TensorCodec.DType type = TensorCodec.DType.fromSafetensors(dtype);
            if (type == null) {
                throw new CheckpointException("Cannot read " + file + ": tensor '" + name + "' has dtype " + dtype
                        + ", which is not supported (supported: F32, F64, F16, BF16, I64, I32, I16, I8, U8, BOOL).");
            }
            JsonArray shapeJson = o.get("shape").getAsJsonArray();
            long[] shape = new long[shapeJson.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeJson.get(i).getAsLong();
            }
            JsonArray offsets = o.get("data_offsets").getAsJsonArray();
            if (offsets.size() != 2) {
                throw corrupt(file, "tensor '" + name + "' has " + offsets.size() + " data offsets instead of 2");
            }
            long begin = offsets.get(0).getAsLong();
            long end = offsets.get(1).getAsLong();
            long numel;
            try {
                numel = TensorCodec.numel(shape);
            } catch (TensorCodec.LayoutException e) {
                throw corrupt(file, "tensor '" + name + "' has an invalid " + e.getMessage(), e);
            }
            if (begin < 0 || end < begin) {
                throw corrupt(file, "tensor '" + name + "' has invalid data offsets [" + begin + ", " + end + "]");
            }
            if (end > dataSize) {
                throw corrupt(file, "tensor '" + name + "' needs data up to byte " + end + " but the file holds only "
                        + dataSize + " bytes of data (truncated?)");
            }
            if (numel > Long.MAX_VALUE / type.size || numel * type.size != end - begin) {
                throw corrupt(file, "tensor '" + name + "' of shape " + Arrays.toString(shape) + " " + dtype
                        + " needs " + numel * type.size + " bytes but its data offsets span " + (end - begin));
            }
            if (end - begin > Integer.MAX_VALUE) {
                throw new CheckpointException("Cannot read " + file + ": tensor '" + name + "' is larger than 2 GB, "
                        + "which this reader does not support.");
            }
            return new Entry(name, type, shape, begin, end);
        } catch (IllegalStateException | UnsupportedOperationException | NullPointerException
                 | NumberFormatException e) {
            throw corrupt(file, "the header entry of tensor '" + name + "' is malformed (" + value + ")", e);
        }
    }

    private static void readFully(FileChannel ch, long position, ByteBuffer dst) throws IOException {
        long at = position;
        while (dst.hasRemaining()) {
            int n = ch.read(dst, at);
            if (n < 0) {
                throw new EOFException("unexpected end of file at byte " + at);
            }
            at += n;
        }
    }

    private static CheckpointException corrupt(Path file, String detail) {
        return corrupt(file, detail, null);
    }

    private static CheckpointException corrupt(Path file, String detail, Throwable cause) {
        return new CheckpointException(file + " is not a valid safetensors file: " + detail + ". Write it again "
                + "(e.g. with SafeTensors.write or safetensors.torch.save_file).", cause);
    }
}
