package org.hybridvision.detection.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Shape-checked copies of small RoI, box and index arrays into Java arrays (the operators' weights are made in Java). */
final class RoiArrays {
    private RoiArrays() {}

    /** @return {@code rois [K, 5]} as {@code K * 5} floats, row-major */
    static float[] toRows(NDArray rois, String what) {
        return toFloats(rois, 5, what, "(batch index, x1, y1, x2, y2)");
    }

    /** @return {@code boxes [K, 4]} as {@code K * 4} floats, row-major */
    static float[] toBoxes(NDArray boxes, String what) {
        return toFloats(boxes, 4, what, "(x1, y1, x2, y2)");
    }

    private static float[] toFloats(NDArray a, int columns, String what, String layout) {
        Shape s = a.getShape();
        if (s.dimension() != 2 || s.get(1) != columns) {
            throw new IllegalArgumentException(what + " must be [K, " + columns + "] rows " + layout + ", got " + s);
        }
        if (!a.getDataType().isFloating()) {
            throw new IllegalArgumentException(what + " must be a float array, got " + a.getDataType());
        }
        if (a.getDataType() == DataType.FLOAT32) {
            return a.toFloatArray();
        }
        try (NDArray f = a.toType(DataType.FLOAT32, false)) {
            return f.toFloatArray();
        }
    }

    /** @return the number of rows of a {@code [K, 5]} row-major RoI array */
    static int count(float[] rois, String what) {
        return rows(rois.length, 5, what);
    }

    /** @return {@code length / columns}, checked to be whole */
    static int rows(int length, int columns, String what) {
        if (length % columns != 0) {
            throw new IllegalArgumentException(what + " must hold " + columns + " values per row, got " + length
                    + " values");
        }
        return length / columns;
    }

    /** @return a 1-D integer array as ints */
    static int[] toInts(NDArray a, String what) {
        if (a.getShape().dimension() != 1) {
            throw new IllegalArgumentException(what + " must be 1-D, got " + a.getShape());
        }
        if (a.getDataType().isFloating()) {
            throw new IllegalArgumentException(what + " must be an integer array, got " + a.getDataType());
        }
        if (a.getDataType() == DataType.INT32) {
            return a.toIntArray();
        }
        try (NDArray i = a.toType(DataType.INT32, false)) {
            return i.toIntArray();
        }
    }
}
