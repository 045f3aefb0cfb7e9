package org.hybridvision.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.hybridvision.HybridVisionException;

/**
 * An n-dimensional array as stored in a NumPy {@code .npy} file: a dtype, a shape and a flat, C-ordered Java primitive
 * array ({@code float[]}, {@code double[]}, {@code long[]}, {@code int[]} or {@code byte[]} for uint8).
 *
 * <p>Immutable in shape and dtype; the data arrays are returned without copying.
 */
public final class NpyArray {
    /** The element types supported by {@link Npy} and {@link Npz}. */
    public enum DType {
        /** float32, NumPy {@code <f4}. */
        FLOAT32("f4", 4, DataType.FLOAT32),
        /** float64, NumPy {@code <f8}. */
        FLOAT64("f8", 8, DataType.FLOAT64),
        /** int64, NumPy {@code <i8}. */
        INT64("i8", 8, DataType.INT64),
        /** int32, NumPy {@code <i4}. */
        INT32("i4", 4, DataType.INT32),
        /** uint8, NumPy {@code |u1} (also read from bool {@code |b1}). */
        UINT8("u1", 1, DataType.UINT8);

        private final String code;
        private final int bytes;
        private final DataType djl;

        DType(String code, int bytes, DataType djl) {
            this.code = code;
            this.bytes = bytes;
            this.djl = djl;
        }

        /** @return bytes per element */
        public int bytes() {
            return bytes;
        }

        /** @return the NumPy descr written to files ({@code <f4}, {@code |u1}, ...) */
        public String descr() {
            return (bytes == 1 ? "|" : "<") + code;
        }

        /** @return the matching DJL data type */
        public DataType djl() {
            return djl;
        }

        static DType fromCode(String code) {
            for (DType t : values()) {
                if (t.code.equals(code)) {
                    return t;
                }
            }
            return "b1".equals(code) ? UINT8 : null;
        }
    }

    private final DType dtype;
    private final long[] shape;
    private final Object data;

    private NpyArray(DType dtype, long[] shape, Object data, int length) {
        long n = 1;
        for (long s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= s;
        }
        if (n != length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " elements, data has "
                    + length);
        }
        this.dtype = dtype;
        this.shape = shape.clone();
        this.data = data;
    }

    /**
     * @param data float32 values, C order
     * @param shape the shape (empty for a scalar)
     * @return the array
     */
    public static NpyArray of(float[] data, long... shape) {
        return new NpyArray(DType.FLOAT32, shape, data, data.length);
    }

    /**
     * @param data float64 values, C order
     * @param shape the shape
     * @return the array
     */
    public static NpyArray of(double[] data, long... shape) {
        return new NpyArray(DType.FLOAT64, shape, data, data.length);
    }

    /**
     * @param data int64 values, C order
     * @param shape the shape
     * @return the array
     */
    public static NpyArray of(long[] data, long... shape) {
        return new NpyArray(DType.INT64, shape, data, data.length);
    }

    /**
     * @param data int32 values, C order
     * @param shape the shape
     * @return the array
     */
    public static NpyArray of(int[] data, long... shape) {
        return new NpyArray(DType.INT32, shape, data, data.length);
    }

    /**
     * @param data uint8 values (read with {@code & 0xFF}), C order
     * @param shape the shape
     * @return the array
     */
    public static NpyArray ofUint8(byte[] data, long... shape) {
        return new NpyArray(DType.UINT8, shape, data, data.length);
    }

    /** @return the element type */
    public DType dtype() {
        return dtype;
    }

    /** @return a copy of the shape */
    public long[] shape() {
        return shape.clone();
    }

    /** @return the number of elements */
    public int size() {
        return java.lang.reflect.Array.getLength(data);
    }

    /** @return the float32 data (no copy) */
    public float[] floats() {
        return (float[]) require(DType.FLOAT32);
    }

    /** @return the float64 data (no copy) */
    public double[] doubles() {
        return (double[]) require(DType.FLOAT64);
    }

    /** @return the int64 data (no copy) */
    public long[] longs() {
        return (long[]) require(DType.INT64);
    }

    /** @return the int32 data (no copy) */
    public int[] ints() {
        return (int[]) require(DType.INT32);
    }

    /** @return the uint8 data (no copy) */
    public byte[] uint8() {
        return (byte[]) require(DType.UINT8);
    }

    private Object require(DType t) {
        if (dtype != t) {
            throw new HybridVisionException("Array has dtype " + dtype + ", not " + t + ".");
        }
        return data;
    }

    /** @return the values converted to float32 (a copy unless already float32) */
    public float[] toFloatArray() {
        if (dtype == DType.FLOAT32) {
            return (float[]) data;
        }
        int n = size();
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) getDouble(i);
        }
        return out;
    }

    /** @return the values converted to int64 (truncating floats) */
    public long[] toLongArray() {
        if (dtype == DType.INT64) {
            return (long[]) data;
        }
        int n = size();
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = (long) getDouble(i);
        }
        return out;
    }

    /**
     * @param i flat index
     * @return element i as a double
     */
    public double getDouble(int i) {
        switch (dtype) {
            case FLOAT32:
                return ((float[]) data)[i];
            case FLOAT64:
                return ((double[]) data)[i];
            case INT64:
                return ((long[]) data)[i];
            case INT32:
                return ((int[]) data)[i];
            default:
                return ((byte[]) data)[i] & 0xFF;
        }
    }

    /** @return the raw little-endian bytes of the data */
    byte[] toLittleEndianBytes() {
        ByteBuffer buf = ByteBuffer.allocate(size() * dtype.bytes).order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case FLOAT32:
                buf.asFloatBuffer().put((float[]) data);
                break;
            case FLOAT64:
                buf.asDoubleBuffer().put((double[]) data);
                break;
            case INT64:
                buf.asLongBuffer().put((long[]) data);
                break;
            case INT32:
                buf.asIntBuffer().put((int[]) data);
                break;
            default:
                buf.put((byte[]) data);
        }
        return buf.array();
    }

    /** Decodes raw element bytes (any byte order) into an array of the given dtype. */
    static NpyArray fromBytes(DType dtype, long[] shape, ByteBuffer buf) {
        int n = buf.remaining() / dtype.bytes;
        switch (dtype) {
            case FLOAT32: {
                float[] a = new float[n];
                buf.asFloatBuffer().get(a);
                return new NpyArray(dtype, shape, a, n);
            }
            case FLOAT64: {
                double[] a = new double[n];
                buf.asDoubleBuffer().get(a);
                return new NpyArray(dtype, shape, a, n);
            }
            case INT64: {
                long[] a = new long[n];
                buf.asLongBuffer().get(a);
                return new NpyArray(dtype, shape, a, n);
            }
            case INT32: {
                int[] a = new int[n];
                buf.asIntBuffer().get(a);
                return new NpyArray(dtype, shape, a, n);
            }
            default: {
                byte[] a = new byte[n];
                buf.get(a);
                return new NpyArray(dtype, shape, a, n);
            }
        }
    }

    /**
     * Copies into a new NDArray (a 0-d array becomes shape {@code ()}).
     *
     * @param manager the manager that will own the array
     * @return the NDArray
     */
    public NDArray toNDArray(NDManager manager) {
        Shape s = new Shape(shape);
        switch (dtype) {
            case FLOAT32:
                return manager.create((float[]) data, s);
            case FLOAT64:
                return manager.create((double[]) data, s);
            case INT64:
                return manager.create((long[]) data, s);
            case INT32:
                return manager.create((int[]) data, s);
            default: {
                ByteBuffer buf = ByteBuffer.allocateDirect(size()).order(ByteOrder.nativeOrder());
                buf.put((byte[]) data).rewind();
                return manager.create(buf, s, DataType.UINT8);
            }
        }
    }

    /**
     * Copies an NDArray's values (float32, float64, int64, int32, uint8 or bool) to the host.
     *
     * @param array the array
     * @return the NumPy-style copy
     * @throws HybridVisionException for other data types (e.g. float16: convert first)
     */
    public static NpyArray fromNDArray(NDArray array) {
        long[] shape = array.getShape().getShape();
        switch (array.getDataType()) {
            case FLOAT32:
                return of(array.toFloatArray(), shape);
            case FLOAT64:
                return of(array.toDoubleArray(), shape);
            case INT64:
                return of(array.toLongArray(), shape);
            case INT32:
                return of(array.toIntArray(), shape);
            case UINT8:
            case BOOLEAN:
                return ofUint8(array.toByteArray(), shape);
            default:
                throw new HybridVisionException("Cannot store an NDArray of type " + array.getDataType()
                        + " in .npy: convert it to float32 first.");
        }
    }

    @Override
    public String toString() {
        return "NpyArray[" + dtype + " " + Arrays.toString(shape) + "]";
    }
}
