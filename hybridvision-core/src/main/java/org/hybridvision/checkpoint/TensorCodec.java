package org.hybridvision.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Turns raw tensor bytes (a torch storage or a safetensors block) into NDArrays, shared by both readers.
 *
 * <p>Handles views (storage offset and arbitrary non-negative strides, including stride 0), converts from the
 * file's byte order to the native one, and widens the element types the PyTorch engine of DJL cannot hold:
 * bfloat16 becomes float32 (a bfloat16 NDArray aborts the JVM) and int16 becomes int32 (likewise). Every array is
 * created from a fresh direct buffer that nobody else references, since DJL wraps that memory without copying.
 */
final class TensorCodec {
    private TensorCodec() {
    }

    /** Element types found in checkpoints, with how each maps to DJL. */
    enum DType {
        F32("float32", "F32", 4, DataType.FLOAT32),
        F64("float64", "F64", 8, DataType.FLOAT64),
        F16("float16", "F16", 2, DataType.FLOAT16),
        /** Widened to float32: exact, since bfloat16 is the upper half of a float32. */
        BF16("bfloat16", "BF16", 2, DataType.FLOAT32),
        I64("int64", "I64", 8, DataType.INT64),
        I32("int32", "I32", 4, DataType.INT32),
        /** Widened to int32 (exact). */
        I16("int16", "I16", 2, DataType.INT32),
        I8("int8", "I8", 1, DataType.INT8),
        U8("uint8", "U8", 1, DataType.UINT8),
        BOOL("bool", "BOOL", 1, DataType.BOOLEAN);

        final String torchName;
        final String safetensorsName;
        final int size;
        final DataType target;

        DType(String torchName, String safetensorsName, int size, DataType target) {
            this.torchName = torchName;
            this.safetensorsName = safetensorsName;
            this.size = size;
            this.target = target;
        }

        /** @return the type for a safetensors dtype code, or {@code null} when unsupported */
        static DType fromSafetensors(String code) {
            for (DType t : values()) {
                if (t.safetensorsName.equals(code)) {
                    return t;
                }
            }
            return null;
        }

        /** @return the type for a torch dtype name such as {@code float32}, or {@code null} */
        static DType fromTorchName(String name) {
            for (DType t : values()) {
                if (t.torchName.equals(name)) {
                    return t;
                }
            }
            return null;
        }

        /** @return the type a DJL array of this data type is written as, or {@code null} when unsupported */
        static DType fromDjl(DataType dataType) {
            switch (dataType) {
                case FLOAT32: return F32;
                case FLOAT64: return F64;
                case FLOAT16: return F16;
                case INT64: return I64;
                case INT32: return I32;
                case INT8: return I8;
                case UINT8: return U8;
                case BOOLEAN: return BOOL;
                default: return null;
            }
        }
    }

    /** Thrown for inconsistent sizes/offsets; callers turn it into a {@link CheckpointException} naming the file. */
    static final class LayoutException extends Exception {
        private static final long serialVersionUID = 1L;

        LayoutException(String message) {
            super(message);
        }
    }

    /** @return the C-order (row-major) strides of a shape */
    static long[] contiguousStrides(long[] shape) {
        long[] strides = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= Math.max(shape[i], 1);
        }
        return strides;
    }

    /** @return the number of elements of a shape, checking for negative sizes and overflow */
    static long numel(long[] shape) throws LayoutException {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new LayoutException("negative dimension in shape " + java.util.Arrays.toString(shape));
            }
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                throw new LayoutException("shape " + java.util.Arrays.toString(shape) + " overflows");
            }
        }
        return n;
    }

    /**
     * Creates an NDArray from a strided view of raw storage bytes.
     *
     * @param manager where the array is created
     * @param storage the storage bytes from position 0 to its limit; its {@link ByteBuffer#order()} is the file's
     *     byte order; not modified
     * @param type the element type of the storage
     * @param offset the view's first element, in elements
     * @param shape the view's shape ({@code []} for a 0-dim tensor)
     * @param strides the view's strides, in elements
     * @return a contiguous array of {@code type.target}, shape {@code shape}
     * @throws LayoutException when the view does not fit in the storage
     */
    static NDArray toNDArray(NDManager manager, ByteBuffer storage, DType type, long offset, long[] shape,
                             long[] strides) throws LayoutException {
        if (shape.length != strides.length) {
            throw new LayoutException("shape " + java.util.Arrays.toString(shape) + " and stride "
                    + java.util.Arrays.toString(strides) + " differ in length");
        }
        long n = numel(shape);
        long storageElems = storage.limit() / type.size;
        int outSize = type.target.getNumOfBytes();
        if (n > Integer.MAX_VALUE / outSize) {
            throw new LayoutException("tensor of shape " + java.util.Arrays.toString(shape)
                    + " is larger than 2 GB, which this reader does not support");
        }
        if (n > 0) {
            long last = offset;
            try {
                for (int i = 0; i < shape.length; i++) {
                    if (strides[i] < 0) {
                        throw new LayoutException("negative stride " + java.util.Arrays.toString(strides));
                    }
                    last = Math.addExact(last, Math.multiplyExact(shape[i] - 1, strides[i]));
                }
            } catch (ArithmeticException e) {
                throw new LayoutException("stride " + java.util.Arrays.toString(strides) + " overflows");
            }
            if (offset < 0 || last >= storageElems) {
                throw new LayoutException("view (offset " + offset + ", shape " + java.util.Arrays.toString(shape)
                        + ", stride " + java.util.Arrays.toString(strides) + ") reaches element " + last
                        + " but the storage holds only " + storageElems + " elements of " + type.torchName);
            }
        }
        ByteBuffer out = ByteBuffer.allocateDirect((int) n * outSize).order(ByteOrder.nativeOrder());
        ByteBuffer src = storage.duplicate().order(storage.order());
        boolean widen = type.target.getNumOfBytes() != type.size;
        if (n > 0 && !widen && src.order() == ByteOrder.nativeOrder() && isContiguous(shape, strides)) {
            src.limit((int) ((offset + n) * type.size)).position((int) (offset * type.size));
            out.put(src);
        } else if (n > 0) {
            gather(src, type, offset, shape, strides, out);
        }
        out.clear();
        return manager.create(out, new Shape(shape), type.target);
    }

    private static boolean isContiguous(long[] shape, long[] strides) {
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    /** Copies element by element in C order, converting byte order and widening as needed. */
    private static void gather(ByteBuffer src, DType type, long offset, long[] shape, long[] strides,
                               ByteBuffer out) {
        int rank = shape.length;
        long[] index = new long[rank];
        long pos = offset;
        long total = numelUnchecked(shape);
        for (long k = 0; k < total; k++) {
            copyElement(src, (int) (pos * type.size), type, out);
            for (int d = rank - 1; d >= 0; d--) {
                if (++index[d] < shape[d]) {
                    pos += strides[d];
                    break;
                }
                pos -= (shape[d] - 1) * strides[d];
                index[d] = 0;
            }
        }
    }

    private static long numelUnchecked(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    private static void copyElement(ByteBuffer src, int at, DType type, ByteBuffer out) {
        switch (type) {
            case F32:
            case I32:
                out.putInt(src.getInt(at));
                break;
            case F64:
            case I64:
                out.putLong(src.getLong(at));
                break;
            case F16:
                out.putShort(src.getShort(at));
                break;
            case BF16:
                out.putInt((src.getShort(at) & 0xFFFF) << 16);
                break;
            case I16:
                out.putInt(src.getShort(at));
                break;
            default:
                out.put(src.get(at));
        }
    }

    /**
     * Returns the bytes of a DJL array in little-endian order, C-contiguous.
     *
     * @param array the array (any device)
     * @param type how it is written
     * @return a buffer from position 0 to its limit
     */
    static ByteBuffer littleEndianBytes(NDArray array, DType type) {
        ByteBuffer raw = array.toByteBuffer();
        if (raw.order() == ByteOrder.LITTLE_ENDIAN || type.size == 1) {
            return raw;
        }
        ByteBuffer src = raw.duplicate().order(raw.order());
        ByteBuffer out = ByteBuffer.allocate(src.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        int base = src.position();
        long n = src.remaining() / type.size;
        for (int i = 0; i < n; i++) {
            copyElement(src, base + i * type.size, type, out);
        }
        out.flip();
        return out;
    }
}
