package org.hybridvision.detection.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.hybridvision.detection.coco.Rle;

import java.util.Arrays;

/**
 * An instance mask at image resolution: {@code height x width} pixels, each in or out, stored compactly as the bits
 * of the tight bounding region of its set pixels (an object's mask costs its box, not the image).
 *
 * <p>Used for ground-truth masks (the input of {@link MaskTargets}, after the pipeline's resize, flip and pad) and
 * for predicted masks (the output of {@link MaskPaste}); {@link #toRle()} and {@link #of(Rle)} convert to and from
 * COCO's run-length encoding (predictions are written and scored as RLE). Immutable; equal when size and pixels are
 * equal.
 */
public final class BinaryMask {
    private final int height;
    private final int width;
    private final int top;
    private final int left;
    private final int rows;
    private final int cols;
    private final long[] bits; // rows * cols bits, row-major within the region

    private BinaryMask(int height, int width, int top, int left, int rows, int cols, long[] bits) {
        this.height = height;
        this.width = width;
        this.top = top;
        this.left = left;
        this.rows = rows;
        this.cols = cols;
        this.bits = bits;
    }

    /** @return a mask of {@code height x width} with no pixel set */
    public static BinaryMask empty(int height, int width) {
        checkSize(height, width);
        return new BinaryMask(height, width, 0, 0, 0, 0, new long[0]);
    }

    /**
     * @param height image rows
     * @param width image columns
     * @param pixels {@code height * width} values, row-major; non-zero = in the mask
     * @return the mask
     */
    public static BinaryMask of(int height, int width, byte[] pixels) {
        checkSize(height, width);
        checkLength(pixels.length, height, width);
        return region(height, width, 0, 0, height, width, i -> pixels[i] != 0);
    }

    /**
     * @param height image rows
     * @param width image columns
     * @param pixels {@code height * width} values, row-major; true = in the mask
     * @return the mask
     */
    public static BinaryMask of(int height, int width, boolean[] pixels) {
        checkSize(height, width);
        checkLength(pixels.length, height, width);
        return region(height, width, 0, 0, height, width, i -> pixels[i]);
    }

    /**
     * @param mask {@code [H, W]} array of any numeric or boolean type; non-zero = in the mask
     * @return the mask
     */
    public static BinaryMask of(NDArray mask) {
        Shape s = mask.getShape();
        if (s.dimension() != 2) {
            throw new IllegalArgumentException("a mask must be [H, W], got " + s);
        }
        byte[] pixels;
        try (NDArray b = mask.toType(DataType.BOOLEAN, false)) {
            pixels = b.toByteArray();
        }
        return of((int) s.get(0), (int) s.get(1), pixels);
    }

    /**
     * @param rle a COCO run-length encoding (for example a ground-truth annotation rasterised at the image size)
     * @return the same mask
     */
    public static BinaryMask of(Rle rle) {
        return of(rle.height(), rle.width(), rle.toMask());
    }

    /** Pixels of a sub-window {@code [top, top + rows) x [left, left + cols)}, cropped to the set pixels. */
    interface Pixels {
        /** @return whether pixel {@code i} (row-major within the window) is set */
        boolean test(int i);
    }

    /** @return the mask whose set pixels are those of the window where {@code set} is true (none outside it) */
    static BinaryMask region(int height, int width, int top, int left, int rows, int cols, Pixels set) {
        int y0 = Integer.MAX_VALUE;
        int y1 = -1;
        int x0 = Integer.MAX_VALUE;
        int x1 = -1;
        for (int y = 0; y < rows; y++) {
            for (int x = 0; x < cols; x++) {
                if (set.test(y * cols + x)) {
                    y0 = Math.min(y0, y);
                    y1 = y;
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                }
            }
        }
        if (y1 < 0) {
            return empty(height, width);
        }
        int r = y1 - y0 + 1;
        int c = x1 - x0 + 1;
        long[] bits = new long[(int) (((long) r * c + 63) >>> 6)];
        for (int y = 0; y < r; y++) {
            for (int x = 0; x < c; x++) {
                if (set.test((y + y0) * cols + x + x0)) {
                    int i = y * c + x;
                    bits[i >>> 6] |= 1L << (i & 63);
                }
            }
        }
        return new BinaryMask(height, width, top + y0, left + x0, r, c, bits);
    }

    /** @return image rows */
    public int height() {
        return height;
    }

    /** @return image columns */
    public int width() {
        return width;
    }

    /**
     * @param y row, {@code [0, height)}
     * @param x column, {@code [0, width)}
     * @return whether the pixel is in the mask
     */
    public boolean get(int y, int x) {
        if (y < 0 || y >= height || x < 0 || x >= width) {
            throw new IndexOutOfBoundsException("pixel (" + y + ", " + x + ") outside a " + height + "x" + width
                    + " mask");
        }
        return inside(y, x);
    }

    private boolean inside(int y, int x) {
        int ry = y - top;
        int rx = x - left;
        if (ry < 0 || ry >= rows || rx < 0 || rx >= cols) {
            return false;
        }
        int i = ry * cols + rx;
        return (bits[i >>> 6] >>> (i & 63) & 1L) != 0;
    }

    /** @return the number of pixels in the mask */
    public long area() {
        long n = 0;
        for (long w : bits) {
            n += Long.bitCount(w);
        }
        return n;
    }

    /** @return the tight box of the set pixels {@code {x1, y1, x2, y2}}, exclusive ends; all 0 when empty */
    public int[] bounds() {
        return rows == 0 ? new int[4] : new int[] {left, top, left + cols, top + rows};
    }

    /** @return {@code height * width} bytes 0/1, row-major (index {@code y * width + x}) */
    public byte[] toRowMajorBytes() {
        byte[] out = new byte[height * width];
        for (int y = top; y < top + rows; y++) {
            for (int x = left; x < left + cols; x++) {
                out[y * width + x] = (byte) (inside(y, x) ? 1 : 0);
            }
        }
        return out;
    }

    /** @return {@code height * width} bytes 0/1, column-major (index {@code x * height + y}), COCO RLE's order */
    public byte[] toColumnMajorBytes() {
        byte[] out = new byte[height * width];
        for (int y = top; y < top + rows; y++) {
            for (int x = left; x < left + cols; x++) {
                out[x * height + y] = (byte) (inside(y, x) ? 1 : 0);
            }
        }
        return out;
    }

    /** @return the mask as COCO's run-length encoding (column-major runs), as pycocotools' {@code encode} gives it */
    public Rle toRle() {
        Runs runs = new Runs();
        runs.add(false, (long) left * height); // the columns before the region
        for (int x = left; x < left + cols; x++) {
            runs.add(false, top);
            for (int y = top; y < top + rows; y++) {
                runs.add(inside(y, x), 1);
            }
            runs.add(false, height - top - rows);
        }
        runs.add(false, (long) (width - left - cols) * height);
        return Rle.of(height, width, runs.finish());
    }

    /** Run lengths of a column-major pixel stream, background first. */
    private static final class Runs {
        private int[] counts = new int[16];
        private int n;
        private boolean value;
        private long length;

        void add(boolean v, long pixels) {
            if (pixels == 0) {
                return;
            }
            if (v != value) {
                push();
                value = v;
                length = 0;
            }
            length += pixels;
        }

        private void push() {
            if (n == counts.length) {
                counts = Arrays.copyOf(counts, n * 2);
            }
            counts[n++] = (int) length;
        }

        int[] finish() {
            push();
            return Arrays.copyOf(counts, n);
        }
    }

    /**
     * Copies the window {@code [y0, y0 + h) x [x0, x0 + w)} (inside the image) into {@code dst} as 0/1 floats,
     * row-major.
     */
    void copyWindow(int y0, int x0, int h, int w, float[] dst) {
        Arrays.fill(dst, 0, h * w, 0f);
        int ya = Math.max(y0, top);
        int yb = Math.min(y0 + h, top + rows);
        int xa = Math.max(x0, left);
        int xb = Math.min(x0 + w, left + cols);
        for (int y = ya; y < yb; y++) {
            for (int x = xa; x < xb; x++) {
                if (inside(y, x)) {
                    dst[(y - y0) * w + x - x0] = 1f;
                }
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof BinaryMask)) {
            return false;
        }
        BinaryMask m = (BinaryMask) o;
        return height == m.height && width == m.width && top == m.top && left == m.left && rows == m.rows
                && cols == m.cols && Arrays.equals(bits, m.bits);
    }

    @Override
    public int hashCode() {
        return ((height * 31 + width) * 31 + top * 7 + left) * 31 + Arrays.hashCode(bits);
    }

    @Override
    public String toString() {
        return "BinaryMask[" + height + "x" + width + ", area " + area() + ", bounds " + Arrays.toString(bounds())
                + "]";
    }

    private static void checkSize(int height, int width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("a mask needs at least 1x1 pixels, got " + height + "x" + width);
        }
    }

    private static void checkLength(int length, int height, int width) {
        if (length != height * width) {
            throw new IllegalArgumentException("a " + height + "x" + width + " mask needs " + height * width
                    + " pixels, got " + length);
        }
    }
}
