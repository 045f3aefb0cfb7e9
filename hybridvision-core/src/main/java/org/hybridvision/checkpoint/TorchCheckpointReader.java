package org.hybridvision.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.hybridvision.checkpoint.TorchUnpickler.PythonClass;
import org.hybridvision.checkpoint.TorchUnpickler.StorageRef;
import org.hybridvision.checkpoint.TorchUnpickler.StorageType;
import org.hybridvision.checkpoint.TorchUnpickler.TensorRef;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads files written by PyTorch's {@code torch.save} without Python: both the zip format (torch 1.6 and later:
 * {@code <top>/data.pkl}, {@code <top>/data/<key>}, {@code <top>/version}) and the legacy format
 * ({@code _use_new_zipfile_serialization=False}: magic-number, protocol and sys-info pickles, the main pickle, the
 * list of storage keys, then each storage as an 8-byte little-endian element count followed by its raw bytes).
 *
 * <p>Tensors are rebuilt exactly, views included (storage offset, arbitrary strides such as transposes or
 * expands, storages shared between tensors). Element types: float32, float64, float16, int64, int32, int8, uint8
 * and bool keep their type; bfloat16 is widened to float32 and int16 to int32 (exactly), because the PyTorch
 * engine of DJL aborts on those types. 0-dim tensors come back as 0-dim arrays. Pickled objects of other
 * classes (an {@code argparse.Namespace}, a numpy array, a whole {@code nn.Module}) become {@link PythonObject}
 * placeholders; plain numpy numbers become Java numbers. Nothing from the file is ever executed.
 *
 * <p>Every array is created in the {@link NDManager} passed in; the caller closes it (or the returned
 * {@link StateDict}). All failures are {@link CheckpointException}s whose message names the file.
 */
public final class TorchCheckpointReader {
    /** {@link StateDict#metadata()} key: where the state dict was found ({@code model}, {@code state_dict} or
     * {@link #ROOT}). */
    public static final String META_SOURCE_KEY = "source_key";
    /** {@link StateDict#metadata()} key, present when a prefix was stripped from every name: the prefix. */
    public static final String META_STRIPPED_PREFIX = "stripped_prefix";
    /** {@link StateDict#metadata()} key: {@code zip} or {@code legacy}. */
    public static final String META_FORMAT = "torch_format";
    /** The {@link #META_SOURCE_KEY} value when the file's top-level object is itself the state dict. */
    public static final String ROOT = "<root>";

    /** Keys of a wrapper dict that may hold the state dict, in order of preference. */
    private static final List<String> WRAPPER_KEYS = List.of("model", "state_dict");
    private static final String DATA_PARALLEL_PREFIX = "module.";

    private static final BigInteger MAGIC_NUMBER = new BigInteger("1950a86a20f9469cfc6c", 16);
    private static final int LEGACY_PROTOCOL_VERSION = 1001;
    private static final String HINT = "Pass a file written by torch.save(model.state_dict(), path) (.pth/.pt).";

    private TorchCheckpointReader() {
    }

    /**
     * Reads the whole pickled object. Dicts become {@link LinkedHashMap}s (in file order), lists
     * {@link List}s, tuples {@code Object[]}, Python ints {@code Integer}/{@code Long}/{@code BigInteger},
     * floats {@code Double}, str {@code String}, bytes {@code byte[]}, None {@code null}, tensors (and bare
     * storages) {@link NDArray}s, anything else a {@link PythonObject}. A tensor pickled several times (the same
     * Python object) becomes one NDArray.
     *
     * @param file a torch.save file
     * @param manager where every tensor is created; the caller closes it
     * @return the unpickled object
     * @throws CheckpointException when the file is missing, not a checkpoint, or damaged
     */
    public static Object readObject(Path file, NDManager manager) {
        return parse(file, (root, format) -> {
            List<NDArray> created = new ArrayList<>();
            try {
                return new Materializer(file, manager, created).convert(root);
            } catch (RuntimeException e) {
                created.forEach(NDArray::close);
                throw e;
            }
        });
    }

    /**
     * Reads the model weights of a checkpoint as a {@link StateDict}. Where they are found and how names are
     * fixed up is decided by {@link #unwrap} (a top-level {@code model} or {@code state_dict} entry, else the
     * top-level dict; a leading {@code module.} on every name is stripped). Tensors elsewhere in the file (an
     * optimizer state, ...) are not read. The metadata records {@link #META_SOURCE_KEY}, {@link #META_FORMAT}
     * and, when stripped, {@link #META_STRIPPED_PREFIX}.
     *
     * @param file a torch.save file
     * @param manager where every tensor is created; the caller closes it (or the returned dict)
     * @return the state dict, in the file's order
     * @throws CheckpointException when the file is missing, not a checkpoint, damaged, or holds no state dict
     */
    public static StateDict readStateDict(Path file, NDManager manager) {
        return parse(file, (root, format) -> {
            Unwrapped found = unwrap(root);
            if (found == null) {
                throw new CheckpointException(file + " holds no state dict: " + describeTop(root)
                        + ". Expected a dict of tensors, as saved by torch.save(model.state_dict(), path), or a "
                        + "dict with a 'model' or 'state_dict' entry holding one.");
            }
            StateDict out = new StateDict();
            try {
                Materializer m = new Materializer(file, manager, new ArrayList<>());
                for (Map.Entry<String, Object> e : found.entries.entrySet()) {
                    m.currentName = e.getKey();
                    out.put(e.getKey(), (NDArray) m.convert(e.getValue()));
                }
            } catch (RuntimeException e) {
                out.close();
                throw e;
            }
            out.metadata().put(META_SOURCE_KEY, found.sourceKey);
            out.metadata().put(META_FORMAT, format);
            if (found.strippedPrefix != null) {
                out.metadata().put(META_STRIPPED_PREFIX, found.strippedPrefix);
            }
            return out;
        });
    }

    /** The result of {@link #unwrap}: where the state dict was and its entries (values are tensors). */
    static final class Unwrapped {
        final String sourceKey;
        final String strippedPrefix;
        final LinkedHashMap<String, Object> entries;

        Unwrapped(String sourceKey, String strippedPrefix, LinkedHashMap<String, Object> entries) {
            this.sourceKey = sourceKey;
            this.strippedPrefix = strippedPrefix;
            this.entries = entries;
        }
    }

    /**
     * The one place where checkpoint layouts are mapped to a plain state dict. Rules, in order:
     * <ol>
     *   <li>the top-level object is a dict with a {@code "model"} entry that is a dict of tensors: use it
     *       (timm/DeiT/Conformer training checkpoints: {@code {'model': sd, 'optimizer': ..., 'args': ...}});</li>
     *   <li>else a {@code "state_dict"} entry that is a dict of tensors (Lightning and many others);</li>
     *   <li>else the top-level object itself, if it is a dict of tensors ({@code torch.save(model.state_dict())});
     *   </li>
     * </ol>
     * then, if every name starts with {@code "module."} (saved from {@code DataParallel} /
     * {@code DistributedDataParallel}), that prefix is stripped. A "dict of tensors" is a non-empty dict whose keys
     * are all strings and whose values are all tensors. Any other remapping (renaming layers between code bases)
     * belongs to the model code, not here.
     *
     * @param root the unpickled top-level object (tensors as NDArrays or unread tensor references)
     * @return the entries and where they came from, or {@code null} when no rule matches
     */
    static Unwrapped unwrap(Object root) {
        String sourceKey = null;
        Map<?, ?> dict = null;
        if (root instanceof Map) {
            for (String key : WRAPPER_KEYS) {
                Object value = ((Map<?, ?>) root).get(key);
                if (isTensorDict(value)) {
                    sourceKey = key;
                    dict = (Map<?, ?>) value;
                    break;
                }
            }
            if (dict == null && isTensorDict(root)) {
                sourceKey = ROOT;
                dict = (Map<?, ?>) root;
            }
        }
        if (dict == null) {
            return null;
        }
        boolean allPrefixed = dict.keySet().stream().allMatch(k -> ((String) k).startsWith(DATA_PARALLEL_PREFIX));
        LinkedHashMap<String, Object> entries = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            String name = (String) e.getKey();
            entries.put(allPrefixed ? name.substring(DATA_PARALLEL_PREFIX.length()) : name, e.getValue());
        }
        return new Unwrapped(sourceKey, allPrefixed ? DATA_PARALLEL_PREFIX : null, entries);
    }

    private static boolean isTensor(Object o) {
        return o instanceof TensorRef || o instanceof NDArray;
    }

    private static boolean isTensorDict(Object o) {
        if (!(o instanceof Map) || ((Map<?, ?>) o).isEmpty()) {
            return false;
        }
        for (Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) {
            if (!(e.getKey() instanceof String) || !isTensor(e.getValue())) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Format detection and parsing

    @FunctionalInterface
    private interface Body<T> {
        T apply(Object root, String format);
    }

    /** Random access to the bytes of a legacy stream (a file, or a byte string nested in a pickle). */
    private interface RandomAccess {
        long size() throws IOException;

        void readFully(long position, ByteBuffer dst) throws IOException;
    }

    private static <T> T parse(Path file, Body<T> body) {
        if (!Files.exists(file)) {
            throw new CheckpointException(file + " does not exist. " + HINT);
        }
        if (Files.isDirectory(file)) {
            throw new CheckpointException(file + " is a directory, not a PyTorch checkpoint file. " + HINT);
        }
        byte[] head;
        long size;
        try (InputStream in = Files.newInputStream(file)) {
            size = Files.size(file);
            head = in.readNBytes(512);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file + " does not exist. " + HINT, e);
        } catch (IOException e) {
            throw new CheckpointException(file + " cannot be read (" + e.getMessage() + ").", e);
        }
        if (size == 0) {
            throw notCheckpoint(file, "the file is empty (0 bytes)", null);
        }
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && (head[2] == 3 || head[2] == 5)) {
            return readZip(file, body);
        }
        if (head.length >= 2 && (head[0] & 0xFF) == 0x80 && head[1] >= 2 && head[1] <= 5) {
            return readLegacyFile(file, body);
        }
        if (head.length >= 262 && new String(head, 257, 5, StandardCharsets.US_ASCII).equals("ustar")) {
            throw new CheckpointException(file + " is a tar archive: either the very old torch.save tar format "
                    + "(PyTorch < 0.4), which this reader does not support, or not a checkpoint at all. Load it "
                    + "with Python and save it again with a current torch.save.");
        }
        throw notCheckpoint(file, sniff(head), null);
    }

    private static CheckpointException notCheckpoint(Path file, String detail, Throwable cause) {
        return new CheckpointException(file + " is not a PyTorch checkpoint (torch.save file): expected a zip "
                + "archive with data.pkl or a legacy pickle; " + detail + ". " + HINT, cause);
    }

    private static CheckpointException damaged(Path file, String detail, Throwable cause) {
        return new CheckpointException(file + " is a damaged or truncated PyTorch checkpoint: " + detail
                + ". Download it again or save it again with torch.save.", cause);
    }

    /** Names what the first bytes of a non-checkpoint file look like. */
    private static String sniff(byte[] head) {
        String ascii = new String(head, 0, Math.min(head.length, 80), StandardCharsets.ISO_8859_1);
        if (ascii.startsWith("\u0089PNG")) {
            return "it is a PNG image";
        }
        if (head.length >= 3 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xD8 && (head[2] & 0xFF) == 0xFF) {
            return "it is a JPEG image";
        }
        if (ascii.startsWith("GIF8")) {
            return "it is a GIF image";
        }
        if (head.length >= 2 && (head[0] & 0xFF) == 0x1F && (head[1] & 0xFF) == 0x8B) {
            return "it is gzip-compressed (decompress it first)";
        }
        if (ascii.startsWith("\u0093NUMPY")) {
            return "it is a numpy .npy array";
        }
        if (ascii.startsWith("\u0089HDF")) {
            return "it is an HDF5 file (Keras/TensorFlow weights?)";
        }
        if (head.length > 9 && head[8] == '{' && ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getLong(0)
                < 100_000_000L) {
            return "it looks like a safetensors file (read it with SafeTensors.read)";
        }
        if (ascii.startsWith("version https://git-lfs")) {
            return "it is a Git LFS pointer, not the weights themselves (run 'git lfs pull')";
        }
        if (looksLikeText(head)) {
            String first = new String(head, StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
            return "it looks like a text file (starts with \"" + (first.length() > 40 ? first.substring(0, 40)
                    + "..." : first) + "\")";
        }
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(8, head.length); i++) {
            hex.append(String.format("%02x ", head[i] & 0xFF));
        }
        return "its first bytes (" + hex.toString().strip() + ") match no known format";
    }

    private static boolean looksLikeText(byte[] head) {
        for (byte b : head) {
            int c = b & 0xFF;
            if (c < 0x09 || (c > 0x0D && c < 0x20) || c == 0x7F) {
                return false;
            }
        }
        return true;
    }

    private static <T> T readZip(Path file, Body<T> body) {
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw damaged(file, "the zip archive cannot be opened (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new CheckpointException(file + " cannot be read (" + e.getMessage() + ").", e);
        }
        try (zip) {
            List<String> names = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                names.add(en.nextElement().getName());
            }
            String pkl = null;
            for (String name : names) {
                if (name.equals("data.pkl") || (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - 9)) {
                    pkl = name;
                    break;
                }
            }
            String prefix = pkl == null ? "" : pkl.substring(0, pkl.length() - "data.pkl".length());
            if (names.contains(prefix + "constants.pkl") || names.stream().anyMatch(n -> n.startsWith(prefix
                    + "code/"))) {
                throw new CheckpointException(file + " is a TorchScript archive (torch.jit.save), not a torch.save "
                        + "checkpoint. In Python, load the model and save its weights with "
                        + "torch.save(model.state_dict(), path).");
            }
            if (pkl == null) {
                throw notCheckpoint(file, "it is a zip archive without data.pkl (entries: "
                        + String.join(", ", names.subList(0, Math.min(5, names.size())))
                        + (names.size() > 5 ? ", ..." : "") + ")", null);
            }
            ByteOrder order = ByteOrder.LITTLE_ENDIAN;
            ZipEntry byteorder = zip.getEntry(prefix + "byteorder");
            if (byteorder != null) {
                try (InputStream in = zip.getInputStream(byteorder)) {
                    if (new String(in.readNBytes(16), StandardCharsets.US_ASCII).strip().equals("big")) {
                        order = ByteOrder.BIG_ENDIAN;
                    }
                }
            }
            ByteOrder fileOrder = order;
            TorchUnpickler.StorageLoader loader = ref -> {
                ZipEntry entry = zip.getEntry(prefix + "data/" + ref.key);
                if (entry == null) {
                    throw new IOException("storage entry " + prefix + "data/" + ref.key + " is missing");
                }
                long need = ref.type.elementSize > 0 ? ref.numel * ref.type.elementSize : entry.getSize();
                if (need < 0 || need > Integer.MAX_VALUE) {
                    throw new IOException("storage " + ref.key + " is larger than 2 GB, which this reader does "
                            + "not support");
                }
                byte[] bytes;
                try (InputStream in = zip.getInputStream(entry)) {
                    bytes = in.readNBytes((int) need);
                }
                if (bytes.length < need) {
                    throw new EOFException("storage entry " + entry.getName() + " has " + bytes.length
                            + " bytes, expected " + need);
                }
                return ByteBuffer.wrap(bytes).order(fileOrder);
            };
            Object root;
            try (InputStream in = new BufferedInputStream(zip.getInputStream(zip.getEntry(pkl)))) {
                root = new TorchUnpickler(loader, bytes -> readLegacyBytes(file, bytes)).load(in);
            } catch (IOException | RuntimeException e) {
                if (e instanceof CheckpointException) {
                    throw (CheckpointException) e;
                }
                throw damaged(file, pkl + " cannot be unpickled (" + e + ")", e);
            }
            return body.apply(root, "zip");
        } catch (IOException e) {
            throw damaged(file, "reading the zip archive failed (" + e + ")", e);
        }
    }

    private static <T> T readLegacyFile(Path file, Body<T> body) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            RandomAccess ra = new RandomAccess() {
                @Override
                public long size() throws IOException {
                    return channel.size();
                }

                @Override
                public void readFully(long position, ByteBuffer dst) throws IOException {
                    long at = position;
                    while (dst.hasRemaining()) {
                        int n = channel.read(dst, at);
                        if (n < 0) {
                            throw new EOFException("unexpected end of file at byte " + at);
                        }
                        at += n;
                    }
                }
            };
            InputStream in = new BufferedInputStream(Channels.newInputStream(channel), 1 << 16);
            return body.apply(readLegacy(file, in, ra), "legacy");
        } catch (IOException e) {
            throw new CheckpointException(file + " cannot be read (" + e.getMessage() + ").", e);
        }
    }

    /** {@code torch.storage._load_from_bytes}: a storage pickled by plain pickle holds a nested legacy file. */
    private static Object readLegacyBytes(Path file, byte[] bytes) {
        RandomAccess ra = new RandomAccess() {
            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public void readFully(long position, ByteBuffer dst) throws IOException {
                if (position + dst.remaining() > bytes.length) {
                    throw new EOFException("nested storage bytes end early");
                }
                dst.put(bytes, (int) position, dst.remaining());
            }
        };
        return readLegacy(file, new ByteArrayInputStream(bytes), ra);
    }

    private static Object readLegacy(Path file, InputStream raw, RandomAccess ra) {
        CountingInputStream in = new CountingInputStream(raw);
        Map<String, long[]> where = new HashMap<>();
        TorchUnpickler.StorageLoader loader = ref -> {
            long[] at = where.get(ref.key);
            if (at == null) {
                throw new IOException("storage " + ref.key + " is not in the storage list");
            }
            if (at[1] > Integer.MAX_VALUE) {
                throw new IOException("storage " + ref.key + " is larger than 2 GB, which this reader does not "
                        + "support");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) at[1]);
            ra.readFully(at[0], buf);
            buf.clear();
            return buf.order(ByteOrder.LITTLE_ENDIAN); // torch writes legacy storages little-endian
        };
        TorchUnpickler.NestedLoader nested = bytes -> readLegacyBytes(file, bytes);
        Object magic;
        try {
            magic = new TorchUnpickler(loader, nested).load(in);
        } catch (IOException | RuntimeException e) {
            throw notCheckpoint(file, "it starts like a Python pickle but cannot be unpickled (" + e + ")", e);
        }
        if (!MAGIC_NUMBER.equals(magic)) {
            throw notCheckpoint(file, "it is a Python pickle without the torch.save magic number (a plain "
                    + "pickle.dump file?)", null);
        }
        Object root;
        try {
            Object protocol = new TorchUnpickler(loader, nested).load(in);
            if (!(protocol instanceof Number) || ((Number) protocol).intValue() != LEGACY_PROTOCOL_VERSION) {
                throw new CheckpointException(file + " uses legacy torch.save protocol version " + protocol
                        + ", which this reader does not support (expected " + LEGACY_PROTOCOL_VERSION + "). Load "
                        + "it in Python and save it again with a current torch.save.");
            }
            new TorchUnpickler(loader, nested).load(in); // sys_info: storages are little-endian in any case
            TorchUnpickler main = new TorchUnpickler(loader, nested);
            root = main.load(in);
            Object keys = new TorchUnpickler(loader, nested).load(in);
            if (!(keys instanceof List)) {
                throw damaged(file, "the storage key list is missing", null);
            }
            long pos = in.count();
            long size = ra.size();
            ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            for (Object k : (List<?>) keys) {
                String key = TorchUnpickler.asString(k);
                StorageRef ref = main.storages.get(key);
                if (ref == null) {
                    throw damaged(file, "storage " + key + " is listed but never referenced", null);
                }
                if (ref.type.elementSize == 0) {
                    throw new CheckpointException(file + " holds a storage of type " + ref.type.name
                            + ", which this reader does not support.");
                }
                if (pos + 8 > size) {
                    throw damaged(file, "the file ends before the data of storage " + key + " (" + size
                            + " bytes)", null);
                }
                header.clear();
                ra.readFully(pos, header);
                long numel = header.getLong(0);
                long nbytes = numel * ref.type.elementSize;
                if (numel != ref.numel || numel < 0) {
                    throw damaged(file, "storage " + key + " has " + numel + " elements in the data but "
                            + ref.numel + " in the pickle", null);
                }
                where.put(key, new long[] {pos + 8, nbytes});
                pos += 8 + nbytes;
                if (pos > size) {
                    throw damaged(file, "the file ends inside the data of storage " + key + " (needs " + pos
                            + " bytes, has " + size + ")", null);
                }
            }
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw damaged(file, "the legacy torch.save data cannot be read (" + e + ")", e);
        }
        return root;
    }

    /** Counts the bytes consumed, so the raw storages after the pickles can be located. */
    private static final class CountingInputStream extends FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Turning tensor references into NDArrays

    /** Replaces tensor references by NDArrays throughout an object graph (in place), once per tensor. */
    private static final class Materializer {
        private final Path file;
        private final NDManager manager;
        private final List<NDArray> created;
        private final Map<Object, NDArray> arrays = new IdentityHashMap<>();
        private final Set<Object> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        /** The state dict entry being converted, for messages; {@code null} in {@link #readObject}. */
        String currentName;

        Materializer(Path file, NDManager manager, List<NDArray> created) {
            this.file = file;
            this.manager = manager;
            this.created = created;
        }

        @SuppressWarnings("unchecked")
        Object convert(Object o) {
            if (o instanceof TensorRef) {
                return arrays.computeIfAbsent(o, k -> track(tensor((TensorRef) o)));
            }
            if (o instanceof StorageRef) {
                StorageRef s = (StorageRef) o;
                return arrays.computeIfAbsent(o, k -> track(tensor(new TensorRef(s, 0, new long[] {s.numel},
                        new long[] {1}))));
            }
            if (o instanceof StorageType) {
                return new PythonObject(((StorageType) o).name, null);
            }
            if (o instanceof PythonClass) {
                return new PythonObject(((PythonClass) o).name, null);
            }
            if (o == null || !visited.add(o)) {
                return o;
            }
            if (o instanceof Map) {
                for (Map.Entry<Object, Object> e : ((Map<Object, Object>) o).entrySet()) {
                    e.setValue(convert(e.getValue()));
                }
            } else if (o instanceof List) {
                ((List<Object>) o).replaceAll(this::convert);
            } else if (o instanceof Object[]) {
                Object[] a = (Object[]) o;
                for (int i = 0; i < a.length; i++) {
                    a[i] = convert(a[i]);
                }
            } else if (o instanceof PythonObject) {
                PythonObject p = (PythonObject) o;
                p.mutableArgs().replaceAll(this::convert);
                p.setState(convert(p.state()));
                convert(p.mutableDictItems());
                p.mutableListItems().replaceAll(this::convert);
            }
            return o;
        }

        private NDArray track(NDArray array) {
            created.add(array);
            return array;
        }

        private NDArray tensor(TensorRef t) {
            String which = currentName == null ? "a tensor" : "tensor '" + currentName + "'";
            if (t.dtype == null) {
                throw new CheckpointException(file + " holds " + which + " of type " + t.dtypeName + ", an element "
                        + "type this reader does not support (supported: float32/64/16, bfloat16, int64/32/16/8, "
                        + "uint8, bool). Convert it in Python before saving.");
            }
            try {
                return TensorCodec.toNDArray(manager, t.storage.data(), t.dtype, t.offset, t.shape, t.strides);
            } catch (TensorCodec.LayoutException | IOException e) {
                throw damaged(file, which + " cannot be rebuilt (" + e.getMessage() + ")", e);
            }
        }
    }

    private static String describeTop(Object root) {
        if (root instanceof Map) {
            Map<?, ?> map = (Map<?, ?>) root;
            if (map.isEmpty()) {
                return "the top-level object is an empty dict";
            }
            List<String> parts = new ArrayList<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (parts.size() == 8) {
                    parts.add("...");
                    break;
                }
                parts.add(e.getKey() + " (" + describeValue(e.getValue()) + ")");
            }
            return (countTensors(root, Collections.newSetFromMap(new IdentityHashMap<>())) == 0
                    ? "it contains no tensors at all; " : "")
                    + "the top-level object is a dict with keys " + String.join(", ", parts);
        }
        if (root instanceof PythonObject) {
            return "the top-level object is a pickled " + ((PythonObject) root).className() + " (a whole model "
                    + "saved with torch.save(model)? Save model.state_dict() instead)";
        }
        return "the top-level object is " + describeValue(root);
    }

    private static String describeValue(Object v) {
        if (isTensor(v)) {
            return "tensor";
        }
        if (v instanceof StorageRef) {
            return "storage";
        }
        if (v instanceof Map) {
            Map<?, ?> m = (Map<?, ?>) v;
            long tensors = m.values().stream().filter(TorchCheckpointReader::isTensor).count();
            return "dict of " + m.size() + " entries" + (tensors > 0 ? ", " + tensors + " tensors" : "");
        }
        if (v instanceof List) {
            return "list of " + ((List<?>) v).size();
        }
        if (v instanceof Object[]) {
            return "tuple of " + ((Object[]) v).length;
        }
        return TorchUnpickler.describe(v);
    }

    private static int countTensors(Object o, Set<Object> seen) {
        if (isTensor(o)) {
            return 1;
        }
        if (o == null || !seen.add(o)) {
            return 0;
        }
        int n = 0;
        if (o instanceof Map) {
            for (Object v : ((Map<?, ?>) o).values()) {
                n += countTensors(v, seen);
            }
        } else if (o instanceof List) {
            for (Object v : (List<?>) o) {
                n += countTensors(v, seen);
            }
        } else if (o instanceof Object[]) {
            for (Object v : (Object[]) o) {
                n += countTensors(v, seen);
            }
        } else if (o instanceof PythonObject) {
            PythonObject p = (PythonObject) o;
            n += countTensors(p.args(), seen) + countTensors(p.state(), seen) + countTensors(p.dictItems(), seen)
                    + countTensors(p.listItems(), seen);
        }
        return n;
    }
}
