package org.hybridvision.checkpoint;

import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Pyrolite unpickler that understands the classes {@code torch.save} pickles and never runs or rejects anything
 * else.
 *
 * <p>Tensors come out as {@link TensorRef}s (a storage reference plus offset, shape and strides, not yet read);
 * storages as {@link StorageRef}s via {@link #persistentLoad}. Dicts keep their pickle order (plain dicts and
 * {@code collections.OrderedDict} are both {@link LinkedHashMap}s). Any class not known here becomes a
 * {@link PythonObject} placeholder. Class resolution is per instance: Pyrolite's global constructor registry is
 * only read, never modified, so other users of Pyrolite in the process are unaffected.
 */
final class TorchUnpickler extends Unpickler {

    /** Reads the bytes of a root storage on demand. */
    interface StorageLoader {
        /**
         * @param ref a root storage (not a view)
         * @return its bytes, position 0, limit = byte size, order = the file's byte order
         */
        ByteBuffer load(StorageRef ref) throws IOException;
    }

    /** Parses a nested legacy torch.save byte string (for {@code torch.storage._load_from_bytes}). */
    interface NestedLoader {
        Object load(byte[] bytes);
    }

    /** A {@code torch.XxxStorage} class as it appears in a persistent id. */
    static final class StorageType {
        final String name;
        /** {@code null} when the element type is not supported by this reader. */
        final TensorCodec.DType dtype;
        /** Bytes per element; 0 when unknown. */
        final int elementSize;

        StorageType(String name, TensorCodec.DType dtype, int elementSize) {
            this.name = name;
            this.dtype = dtype;
            this.elementSize = elementSize;
        }
    }

    /** A storage (or, in old legacy files, a view of one) referenced from the pickle. */
    static final class StorageRef {
        final String key;
        final StorageType type;
        /** Number of elements of {@link #type}. */
        final long numel;
        private final StorageLoader loader;
        private final StorageRef root;
        private final long rootOffset;
        private ByteBuffer data;

        StorageRef(String key, StorageType type, long numel, StorageLoader loader) {
            this(key, type, numel, loader, null, 0);
        }

        private StorageRef(String key, StorageType type, long numel, StorageLoader loader, StorageRef root,
                           long rootOffset) {
            this.key = key;
            this.type = type;
            this.numel = numel;
            this.loader = loader;
            this.root = root;
            this.rootOffset = rootOffset;
        }

        /** @return the storage bytes (read once, then cached), position 0, in the file's byte order */
        ByteBuffer data() throws IOException {
            if (data == null) {
                if (root != null) {
                    ByteBuffer all = root.data();
                    long begin = rootOffset * type.elementSize;
                    long end = begin + numel * type.elementSize;
                    if (begin < 0 || end > all.limit()) {
                        throw new IOException("storage view " + key + " lies outside storage " + root.key);
                    }
                    data = all.duplicate().position((int) begin).limit((int) end).slice().order(all.order());
                } else {
                    data = loader.load(this);
                }
            }
            return data.duplicate().order(data.order());
        }
    }

    /**
     * A tensor as pickled by {@code _rebuild_tensor_v2} (or v3): storage, offset, shape and strides in elements of
     * {@link #dtype}.
     */
    static final class TensorRef {
        final StorageRef storage;
        final long offset;
        final long[] shape;
        final long[] strides;
        /** The element type, {@code null} when unsupported. */
        final TensorCodec.DType dtype;
        /** The element type as named in the file, for messages. */
        final String dtypeName;

        TensorRef(StorageRef storage, long offset, long[] shape, long[] strides) {
            this(storage, offset, shape, strides, storage.type.dtype, storage.type.name);
        }

        TensorRef(StorageRef storage, long offset, long[] shape, long[] strides, TensorCodec.DType dtype,
                  String dtypeName) {
            this.storage = storage;
            this.offset = offset;
            this.shape = shape;
            this.strides = strides;
            this.dtype = dtype;
            this.dtypeName = dtypeName;
        }
    }

    /** The value of a global that is not constructed here (a class, a function, {@code torch.float32}, ...). */
    static final class PythonClass implements IObjectConstructor {
        final String name;

        PythonClass(String name) {
            this.name = name;
        }

        @Override
        public Object construct(Object[] args) {
            return new PythonObject(name, args);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** {@code collections.OrderedDict}; keeps its {@code _metadata} (the state dict's version info). */
    static final class OrderedDict extends LinkedHashMap<Object, Object> {
        private static final long serialVersionUID = 1L;
        transient Object state;
    }

    private static final Map<String, Integer> STORAGE_SIZES = new HashMap<>();

    static {
        String[][] table = {
            {"FloatStorage", "4"}, {"DoubleStorage", "8"}, {"HalfStorage", "2"}, {"BFloat16Storage", "2"},
            {"LongStorage", "8"}, {"IntStorage", "4"}, {"ShortStorage", "2"}, {"CharStorage", "1"},
            {"ByteStorage", "1"}, {"BoolStorage", "1"}, {"ComplexFloatStorage", "8"},
            {"ComplexDoubleStorage", "16"}, {"QInt8Storage", "1"}, {"QUInt8Storage", "1"},
            {"QInt32Storage", "4"}, {"QUInt4x2Storage", "1"}, {"QUInt2x4Storage", "1"}, {"UntypedStorage", "1"},
        };
        for (String[] row : table) {
            STORAGE_SIZES.put(row[0], Integer.parseInt(row[1]));
        }
    }

    private static TensorCodec.DType storageDType(String simpleName) {
        switch (simpleName) {
            case "FloatStorage": return TensorCodec.DType.F32;
            case "DoubleStorage": return TensorCodec.DType.F64;
            case "HalfStorage": return TensorCodec.DType.F16;
            case "BFloat16Storage": return TensorCodec.DType.BF16;
            case "LongStorage": return TensorCodec.DType.I64;
            case "IntStorage": return TensorCodec.DType.I32;
            case "ShortStorage": return TensorCodec.DType.I16;
            case "CharStorage": return TensorCodec.DType.I8;
            case "ByteStorage":
            case "UntypedStorage": return TensorCodec.DType.U8;
            case "BoolStorage": return TensorCodec.DType.BOOL;
            default: return null;
        }
    }

    /** Root storages by key, in order of first reference. */
    final Map<String, StorageRef> storages = new LinkedHashMap<>();
    private final Map<String, StorageRef> views = new HashMap<>();
    private final Map<String, IObjectConstructor> constructors = new HashMap<>();
    private final StorageLoader loader;

    TorchUnpickler(StorageLoader loader, NestedLoader nested) {
        this.loader = loader;
        IObjectConstructor rebuildV2 = args -> rebuildTensor(args);
        constructors.put("torch._utils._rebuild_tensor_v2", rebuildV2);
        constructors.put("torch._utils._rebuild_tensor", rebuildV2);
        constructors.put("torch._utils._rebuild_tensor_v3", TorchUnpickler::rebuildTensorV3);
        constructors.put("torch._utils._rebuild_parameter", args -> args[0]);
        constructors.put("torch._utils._rebuild_parameter_with_state", args -> args[0]);
        IObjectConstructor fromType = args -> {
            if (args.length >= 3 && args[0] instanceof IObjectConstructor && args[2] instanceof Object[]) {
                return ((IObjectConstructor) args[0]).construct((Object[]) args[2]);
            }
            return new PythonObject("torch._tensor._rebuild_from_type_v2", args);
        };
        constructors.put("torch._tensor._rebuild_from_type_v2", fromType);
        constructors.put("torch._utils._rebuild_from_type_v2", fromType);
        constructors.put("torch.storage._load_from_bytes", args -> nested.load(asBytes(args[0])));
        constructors.put("collections.OrderedDict", args -> {
            OrderedDict d = new OrderedDict();
            if (args.length == 1 && args[0] instanceof List) {
                for (Object pair : (List<?>) args[0]) {
                    if (pair instanceof Object[] && ((Object[]) pair).length == 2) {
                        d.put(((Object[]) pair)[0], ((Object[]) pair)[1]);
                    }
                }
            }
            return d;
        });
        constructors.put("torch.Size", args -> args.length == 1 && args[0] instanceof Object[] ? args[0]
                : new Object[0]);
        IObjectConstructor reconstructor = args -> args.length > 0 && args[0] instanceof IObjectConstructor
                ? ((IObjectConstructor) args[0]).construct(new Object[0]) : new PythonObject("copyreg", args);
        constructors.put("copyreg._reconstructor", reconstructor);
        constructors.put("copy_reg._reconstructor", reconstructor);
        constructors.put("numpy.core.multiarray.scalar", TorchUnpickler::numpyScalar);
        constructors.put("numpy._core.multiarray.scalar", TorchUnpickler::numpyScalar);
    }

    /** Finds what a {@code module.name} global stands for; never fails. */
    private Object resolve(String module, String name) {
        String full = module + "." + name;
        IObjectConstructor known = constructors.get(full);
        if (known != null) {
            return known;
        }
        if ((module.equals("torch") || module.equals("torch.storage")) && name.endsWith("Storage")) {
            Integer size = STORAGE_SIZES.get(name);
            return new StorageType(full, storageDType(name), size == null ? 0 : size);
        }
        IObjectConstructor pyrolite = Unpickler.objectConstructors.get(full);
        if (pyrolite != null && !full.endsWith("Error") && !full.endsWith("Exception")) {
            // Pyrolite's built-ins (bytes via _codecs.encode, bytearray, set, complex, datetime, ...), with a
            // fallback to a placeholder if one of them dislikes its arguments.
            return (IObjectConstructor) args -> {
                try {
                    return pyrolite.construct(args);
                } catch (RuntimeException e) {
                    return new PythonObject(full, args);
                }
            };
        }
        return new PythonClass(full);
    }

    @Override
    protected Object dispatch(short key) throws PickleException, IOException {
        switch (key) {
            case 'c': { // GLOBAL
                String module = PickleUtils.readline(input);
                String name = PickleUtils.readline(input);
                stack.add(resolve(module, name));
                return NO_RETURN_VALUE;
            }
            case 0x93: { // STACK_GLOBAL
                String name = String.valueOf(stack.pop());
                String module = String.valueOf(stack.pop());
                stack.add(resolve(module, name));
                return NO_RETURN_VALUE;
            }
            case 'i': { // INST (protocol 0/1)
                String module = PickleUtils.readline(input);
                String name = PickleUtils.readline(input);
                List<Object> args = stack.pop_all_since_marker();
                stack.add(construct(resolve(module, name), args.toArray()));
                return NO_RETURN_VALUE;
            }
            case '}': // EMPTY_DICT
                stack.add(new LinkedHashMap<Object, Object>());
                return NO_RETURN_VALUE;
            case 'd': { // DICT
                List<Object> items = stack.pop_all_since_marker();
                Map<Object, Object> map = new LinkedHashMap<>();
                for (int i = 0; i + 1 < items.size(); i += 2) {
                    map.put(items.get(i), items.get(i + 1));
                }
                stack.add(map);
                return NO_RETURN_VALUE;
            }
            case 's': { // SETITEM
                Object value = stack.pop();
                Object k = stack.pop();
                setItem(stack.peek(), k, value);
                return NO_RETURN_VALUE;
            }
            case 'u': { // SETITEMS
                List<Object> items = stack.pop_all_since_marker();
                Object target = stack.peek();
                for (int i = 0; i + 1 < items.size(); i += 2) {
                    setItem(target, items.get(i), items.get(i + 1));
                }
                return NO_RETURN_VALUE;
            }
            case 'a': { // APPEND
                Object value = stack.pop();
                append(stack.peek(), value);
                return NO_RETURN_VALUE;
            }
            case 'e': { // APPENDS
                List<Object> items = stack.pop_all_since_marker();
                Object target = stack.peek();
                for (Object item : items) {
                    append(target, item);
                }
                return NO_RETURN_VALUE;
            }
            case 'b': { // BUILD
                Object state = stack.pop();
                Object target = stack.peek();
                if (target instanceof PythonObject) {
                    ((PythonObject) target).setState(state);
                } else if (target instanceof OrderedDict) {
                    ((OrderedDict) target).state = state;
                }
                // anything else (e.g. a tensor's python attributes): ignored
                return NO_RETURN_VALUE;
            }
            default:
                return super.dispatch(key);
        }
    }

    private static Object construct(Object callable, Object[] args) {
        if (callable instanceof IObjectConstructor) {
            return ((IObjectConstructor) callable).construct(args);
        }
        return new PythonObject(String.valueOf(callable), args);
    }

    @SuppressWarnings("unchecked")
    private static void setItem(Object target, Object key, Object value) {
        if (target instanceof Map) {
            ((Map<Object, Object>) target).put(key, value);
        } else if (target instanceof PythonObject) {
            ((PythonObject) target).mutableDictItems().put(key, value);
        }
    }

    @SuppressWarnings("unchecked")
    private static void append(Object target, Object value) {
        if (target instanceof List) {
            ((List<Object>) target).add(value);
        } else if (target instanceof PythonObject) {
            ((PythonObject) target).mutableListItems().add(value);
        }
    }

    /**
     * Resolves a persistent id. {@code ('storage', storage_type, key, location, numel)} in the zip format;
     * legacy files add a sixth element, {@code view_metadata = (view_key, offset, size)} or None.
     */
    @Override
    protected Object persistentLoad(Object pid) {
        if (!(pid instanceof Object[]) || ((Object[]) pid).length < 2) {
            throw new PickleException("unsupported persistent id " + describe(pid));
        }
        Object[] t = (Object[]) pid;
        String kind = asString(t[0]);
        if (kind.equals("module")) {
            return t[1]; // legacy: ('module', class, source_file, source) -> the class itself
        }
        if (!kind.equals("storage") || t.length < 5) {
            throw new PickleException("unsupported persistent id " + describe(pid));
        }
        StorageType type = t[1] instanceof StorageType ? (StorageType) t[1]
                : new StorageType(String.valueOf(t[1]), null, 0);
        String storageKey = asString(t[2]);
        long numel = asLong(t[4]);
        StorageRef root = storages.computeIfAbsent(storageKey, k -> new StorageRef(k, type, numel, loader));
        Object view = t.length > 5 ? t[5] : null;
        if (view instanceof Object[] && ((Object[]) view).length == 3) {
            Object[] v = (Object[]) view;
            String viewKey = asString(v[0]);
            long offset = asLong(v[1]);
            long size = asLong(v[2]);
            return views.computeIfAbsent(viewKey, k -> new StorageRef(k, type, size, null, root, offset));
        }
        return root;
    }

    private static Object rebuildTensor(Object[] args) {
        if (args.length < 4 || !(args[0] instanceof StorageRef)) {
            throw new PickleException("tensor without a storage (" + describe(args.length > 0 ? args[0] : null)
                    + ")");
        }
        return new TensorRef((StorageRef) args[0], asLong(args[1]), asLongs(args[2]), asLongs(args[3]));
    }

    /** {@code _rebuild_tensor_v3(storage, offset, size, stride, requires_grad, hooks, dtype, ...)}: the dtype
     * comes from the tensor (a global such as {@code torch.uint16}), the storage is untyped. */
    private static Object rebuildTensorV3(Object[] args) {
        if (args.length < 7 || !(args[0] instanceof StorageRef)) {
            throw new PickleException("tensor without a storage (" + describe(args.length > 0 ? args[0] : null)
                    + ")");
        }
        String dtypeName = String.valueOf(args[6]);
        TensorCodec.DType dtype = dtypeName.startsWith("torch.")
                ? TensorCodec.DType.fromTorchName(dtypeName.substring("torch.".length())) : null;
        return new TensorRef((StorageRef) args[0], asLong(args[1]), asLongs(args[2]), asLongs(args[3]), dtype,
                dtypeName);
    }

    /** numpy scalars of plain numeric types become Java numbers; others stay placeholders. */
    private static Object numpyScalar(Object[] args) {
        try {
            if (args.length == 2 && args[0] instanceof PythonObject) {
                PythonObject dtype = (PythonObject) args[0];
                byte[] raw = asBytes(args[1]);
                String code = String.valueOf(dtype.args().isEmpty() ? "" : dtype.args().get(0));
                Object st = dtype.state();
                boolean big = st instanceof Object[] && ((Object[]) st).length > 1 && ">".equals(((Object[]) st)[1]);
                ByteBuffer b = ByteBuffer.wrap(raw).order(big ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
                switch (code) {
                    case "f8": return b.getDouble(0);
                    case "f4": return (double) b.getFloat(0);
                    case "i8": return b.getLong(0);
                    case "i4": return (long) b.getInt(0);
                    case "i2": return (long) b.getShort(0);
                    case "i1": return (long) b.get(0);
                    case "u1": return (long) (b.get(0) & 0xFF);
                    case "u2": return (long) (b.getShort(0) & 0xFFFF);
                    case "u4": return b.getInt(0) & 0xFFFFFFFFL;
                    case "b1": return b.get(0) != 0;
                    default: break;
                }
            }
        } catch (RuntimeException e) {
            // fall through to the placeholder
        }
        return new PythonObject("numpy.core.multiarray.scalar", args);
    }

    static String asString(Object o) {
        if (o instanceof byte[]) {
            return new String((byte[]) o, StandardCharsets.US_ASCII);
        }
        return String.valueOf(o);
    }

    static long asLong(Object o) {
        if (o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof Byte) {
            return ((Number) o).longValue();
        }
        if (o instanceof java.math.BigInteger) {
            return ((java.math.BigInteger) o).longValueExact();
        }
        throw new PickleException("expected an integer, found " + describe(o));
    }

    private static long[] asLongs(Object o) {
        if (!(o instanceof Object[])) {
            throw new PickleException("expected a tuple of integers, found " + describe(o));
        }
        Object[] a = (Object[]) o;
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = asLong(a[i]);
        }
        return out;
    }

    private static byte[] asBytes(Object o) {
        if (o instanceof byte[]) {
            return (byte[]) o;
        }
        if (o instanceof String) {
            return ((String) o).getBytes(StandardCharsets.ISO_8859_1);
        }
        throw new PickleException("expected bytes, found " + describe(o));
    }

    static String describe(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof PythonObject) {
            return ((PythonObject) o).className();
        }
        if (o instanceof StorageRef) {
            return "storage";
        }
        if (o instanceof TensorRef) {
            return "tensor";
        }
        return o.getClass().getSimpleName();
    }
}
