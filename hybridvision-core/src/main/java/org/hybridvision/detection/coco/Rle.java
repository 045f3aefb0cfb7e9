package org.hybridvision.detection.coco;

import java.util.Arrays;
import java.util.List;

/**
 * A binary mask of {@code height x width} pixels as COCO run-length encodes it.
 *
 * <p>Convention (the COCO mask API's): pixels are visited in <b>column-major</b> order (down the first column, then
 * the second, ...; pixel {@code (x, y)} is number {@code x * height + y}), and the counts are the lengths of the
 * alternating runs, starting with a run of background (0) that may be empty. The counts are kept in canonical form:
 * no empty run except possibly the first, which is what encoding a mask gives; an input with empty runs elsewhere
 * (legal, rare) is canonicalised on the way in, which leaves the mask unchanged.
 *
 * <p>What is offered: encoding a mask ({@link #fromMask(boolean[], int, int)}, row-major input as images are held in
 * Java) and decoding it ({@link #toMask()}), the area, the tight bounding box, union and intersection,
 * {@link #iou(Rle, Rle, boolean)} with the COCO metric's crowd rule, the compressed string form of COCO files
 * ({@link #toCompressedString()}, {@link #fromCompressedString(String, int, int)}), and the rasterised box
 * ({@link #fromBox(CocoBox, int, int)}). Results are identical to pycocotools ({@code encode}, {@code decode},
 * {@code area}, {@code toBbox}, {@code merge}, {@code iou}, {@code frPyObjects}) for the same input.
 *
 * <p>Immutable and thread-safe.
 */
public final class Rle implements Segmentation {
    private final int height;
    private final int width;
    private final int[] counts;

    private Rle(int height, int width, int[] canonicalCounts) {
        this.height = height;
        this.width = width;
        this.counts = canonicalCounts;
    }

    /**
     * An RLE from its counts (the uncompressed {@code "counts": [...]} form).
     *
     * @param height mask height
     * @param width mask width
     * @param counts run lengths, background first; they must sum to {@code height * width}
     * @return the RLE
     * @throws IllegalArgumentException when a size or count is negative or the counts do not cover the mask exactly
     */
    public static Rle of(int height, int width, int[] counts) {
        checkSize(height, width);
        long sum = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] < 0) {
                throw new IllegalArgumentException("RLE count " + i + " is negative (" + counts[i] + ")");
            }
            sum += counts[i];
        }
        long pixels = (long) height * width;
        if (sum != pixels) {
            throw new IllegalArgumentException("RLE counts sum to " + sum + " but the mask has " + height + " x "
                    + width + " = " + pixels + " pixels");
        }
        return new Rle(height, width, canonical(counts));
    }

    /**
     * Decodes COCO's compressed counts string (see {@link RleStringCodec} for the scheme).
     *
     * @param compressed the {@code counts} string of a compressed RLE
     * @param height mask height (the first number of the RLE's {@code size})
     * @param width mask width (the second number)
     * @return the RLE
     * @throws IllegalArgumentException when the string is malformed or does not cover the mask exactly
     */
    public static Rle fromCompressedString(String compressed, int height, int width) {
        return of(height, width, RleStringCodec.decode(compressed));
    }

    /**
     * Encodes a mask held row by row (index {@code y * width + x}), the layout of Java images.
     *
     * @param rowMajor {@code height * width} pixels, true = object
     * @param height mask height
     * @param width mask width
     * @return the RLE
     */
    public static Rle fromMask(boolean[] rowMajor, int height, int width) {
        checkSize(height, width);
        checkLength(rowMajor.length, height, width);
        RunWriter out = new RunWriter();
        for (int x = 0; x < width; x++) {
            for (int y = 0, i = x; y < height; y++, i += width) {
                out.add(rowMajor[i], 1);
            }
        }
        return new Rle(height, width, out.finish());
    }

    /**
     * Encodes a mask held row by row; any non-zero byte is object.
     *
     * @param rowMajor {@code height * width} pixels
     * @param height mask height
     * @param width mask width
     * @return the RLE
     */
    public static Rle fromMask(byte[] rowMajor, int height, int width) {
        checkSize(height, width);
        checkLength(rowMajor.length, height, width);
        RunWriter out = new RunWriter();
        for (int x = 0; x < width; x++) {
            for (int y = 0, i = x; y < height; y++, i += width) {
                out.add(rowMajor[i] != 0, 1);
            }
        }
        return new Rle(height, width, out.finish());
    }

    /**
     * Encodes a mask held column by column (index {@code x * height + y}), the layout of a NumPy array in Fortran order
     * as pycocotools' {@code encode} expects it.
     *
     * @param columnMajor {@code height * width} pixels; any non-zero byte is object
     * @param height mask height
     * @param width mask width
     * @return the RLE
     */
    public static Rle fromColumnMajor(byte[] columnMajor, int height, int width) {
        checkSize(height, width);
        checkLength(columnMajor.length, height, width);
        RunWriter out = new RunWriter();
        for (byte b : columnMajor) {
            out.add(b != 0, 1);
        }
        return new Rle(height, width, out.finish());
    }

    /**
     * @param height mask height
     * @param width mask width
     * @return the all-background mask
     */
    public static Rle empty(int height, int width) {
        checkSize(height, width);
        return new Rle(height, width, new int[] {height * width});
    }

    /**
     * The box rasterised as pycocotools' {@code frPyObjects} rasterises a box: as the polygon of its four corners
     * (see {@link Polygons}), so a box with fractional edges covers the pixels whose centres it contains, with COCO's
     * rounding. This is the mask a box-only detection gets in a {@code segm} evaluation.
     *
     * @param box the box
     * @param height mask height
     * @param width mask width
     * @return the mask of the box, clipped to the image
     */
    public static Rle fromBox(CocoBox box, int height, int width) {
        double x1 = box.x();
        double y1 = box.y();
        double x2 = box.x() + box.width();
        double y2 = box.y() + box.height();
        return PolygonRaster.rasterize(new double[] {x1, y1, x1, y2, x2, y2, x2, y1}, height, width);
    }

    /** @return mask height in pixels */
    public int height() {
        return height;
    }

    /** @return mask width in pixels */
    public int width() {
        return width;
    }

    /** @return a copy of the run lengths (background first, column-major) */
    public int[] counts() {
        return counts.clone();
    }

    /** @return the number of runs */
    public int runs() {
        return counts.length;
    }

    /** @return the compressed {@code counts} string of COCO files */
    public String toCompressedString() {
        return RleStringCodec.encode(counts);
    }

    /** @return the number of object pixels (pycocotools {@code area}) */
    public long area() {
        long a = 0;
        for (int i = 1; i < counts.length; i += 2) {
            a += counts[i];
        }
        return a;
    }

    /** @return true when no pixel is set */
    public boolean isEmpty() {
        return area() == 0;
    }

    /**
     * The tight box around the object pixels, in pixel-edge coordinates (a single pixel at column 3, row 5 gives
     * {@code (3, 5, 1, 1)}); {@code (0, 0, 0, 0)} for an empty mask, as pycocotools' {@code toBbox}.
     *
     * @return the bounding box
     */
    public CocoBox boundingBox() {
        int minX = Integer.MAX_VALUE;
        int minY = Integer.MAX_VALUE;
        int maxX = -1;
        int maxY = -1;
        long pos = 0;
        for (int i = 0; i < counts.length; i++) {
            long start = pos;
            pos += counts[i];
            if (i % 2 == 0 || counts[i] == 0) {
                continue;
            }
            long last = pos - 1;
            int xs = (int) (start / height);
            int xe = (int) (last / height);
            int ys = (int) (start % height);
            int ye = (int) (last % height);
            minX = Math.min(minX, xs);
            maxX = Math.max(maxX, xe);
            if (xs == xe) {
                minY = Math.min(minY, ys);
                maxY = Math.max(maxY, ye);
            } else { // the run wraps from the bottom of one column to the top of a later one
                minY = 0;
                maxY = height - 1;
            }
        }
        if (maxX < 0) {
            return new CocoBox(0, 0, 0, 0);
        }
        return new CocoBox(minX, minY, maxX - minX + 1, maxY - minY + 1);
    }

    /** @return the mask row by row (index {@code y * width + x}) */
    public boolean[] toMask() {
        boolean[] mask = new boolean[height * width];
        long pos = 0;
        for (int i = 0; i < counts.length; i++) {
            if (i % 2 == 1) {
                for (long p = pos, end = pos + counts[i]; p < end; p++) {
                    int x = (int) (p / height);
                    int y = (int) (p % height);
                    mask[y * width + x] = true;
                }
            }
            pos += counts[i];
        }
        return mask;
    }

    /** @return the mask column by column (index {@code x * height + y}), 1 for object, 0 for background */
    public byte[] toColumnMajor() {
        byte[] mask = new byte[height * width];
        long pos = 0;
        for (int i = 0; i < counts.length; i++) {
            if (i % 2 == 1) {
                Arrays.fill(mask, (int) pos, (int) (pos + counts[i]), (byte) 1);
            }
            pos += counts[i];
        }
        return mask;
    }

    /**
     * @param other a mask of the same size
     * @return the pixels set in either mask (pycocotools {@code merge(..., intersect=False)})
     */
    public Rle union(Rle other) {
        return combine(this, other, false);
    }

    /**
     * @param other a mask of the same size
     * @return the pixels set in both masks (pycocotools {@code merge(..., intersect=True)})
     */
    public Rle intersection(Rle other) {
        return combine(this, other, true);
    }

    /**
     * @param masks one or more masks of the same size
     * @return their union
     */
    public static Rle union(List<Rle> masks) {
        if (masks.isEmpty()) {
            throw new IllegalArgumentException("union of no masks: pass at least one");
        }
        Rle u = masks.get(0);
        for (int i = 1; i < masks.size(); i++) {
            u = u.union(masks.get(i));
        }
        return u;
    }

    /**
     * @param other a mask of the same size
     * @return the number of pixels set in both masks
     */
    public long intersectionArea(Rle other) {
        checkSameSize(this, other);
        RunCursor a = new RunCursor(counts);
        RunCursor b = new RunCursor(other.counts);
        long total = (long) height * width;
        long pos = 0;
        long inter = 0;
        while (pos < total) {
            a.skipEmpty();
            b.skipEmpty();
            long step = Math.min(a.remaining, b.remaining);
            if (a.value && b.value) {
                inter += step;
            }
            a.remaining -= step;
            b.remaining -= step;
            pos += step;
        }
        return inter;
    }

    /**
     * The COCO metric's mask overlap (pycocotools {@code maskUtils.iou} on RLEs): intersection over union for an
     * ordinary ground truth; for a crowd ground truth the denominator is the detection's own area (the part of the
     * detection inside the crowd region). 0 when the masks do not intersect.
     *
     * @param detection the detected mask
     * @param groundTruth the ground-truth mask, same size
     * @param crowd whether the ground truth is a crowd region ({@code iscrowd = 1})
     * @return the overlap in [0, 1]
     * @throws IllegalArgumentException when the sizes differ
     */
    public static double iou(Rle detection, Rle groundTruth, boolean crowd) {
        long inter = detection.intersectionArea(groundTruth);
        if (inter == 0) {
            return 0;
        }
        long da = detection.area();
        long union = crowd ? da : da + groundTruth.area() - inter;
        return (double) inter / (double) union;
    }

    @Override
    public Rle toRle(int imageHeight, int imageWidth) {
        if (imageHeight != height || imageWidth != width) {
            throw new IllegalArgumentException("RLE of size " + height + " x " + width + " (height x width) does not "
                    + "fit an image of " + imageHeight + " x " + imageWidth);
        }
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Rle r && r.height == height && r.width == width && Arrays.equals(r.counts, counts);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * height + width) + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "Rle[" + height + "x" + width + ", area " + area() + ", " + counts.length + " runs]";
    }

    private static Rle combine(Rle a, Rle b, boolean intersect) {
        checkSameSize(a, b);
        RunCursor ca = new RunCursor(a.counts);
        RunCursor cb = new RunCursor(b.counts);
        RunWriter out = new RunWriter();
        long total = (long) a.height * a.width;
        long pos = 0;
        while (pos < total) {
            ca.skipEmpty();
            cb.skipEmpty();
            long step = Math.min(ca.remaining, cb.remaining);
            boolean v = intersect ? ca.value && cb.value : ca.value || cb.value;
            out.add(v, (int) step);
            ca.remaining -= step;
            cb.remaining -= step;
            pos += step;
        }
        return new Rle(a.height, a.width, out.finish());
    }

    /** Merges empty runs away: run i+1 of an empty run i (i > 0) joins run i-1. */
    private static int[] canonical(int[] counts) {
        if (counts.length == 0) {
            return new int[] {0};
        }
        int[] out = new int[counts.length];
        int m = 0;
        out[m++] = counts[0];
        for (int i = 1; i < counts.length; i++) {
            if (counts[i] > 0) {
                out[m++] = counts[i];
            } else if (i + 1 < counts.length) {
                out[m - 1] += counts[++i];
            }
        }
        return m == out.length ? out : Arrays.copyOf(out, m);
    }

    private static void checkSize(int height, int width) {
        if (height < 0 || width < 0) {
            throw new IllegalArgumentException("mask size must not be negative, got " + height + " x " + width);
        }
        if ((long) height * width > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("mask of " + height + " x " + width + " pixels is too large (at most "
                    + Integer.MAX_VALUE + " pixels)");
        }
    }

    private static void checkLength(int length, int height, int width) {
        if (length != height * width) {
            throw new IllegalArgumentException("mask has " + length + " pixels, expected " + height + " x " + width);
        }
    }

    private static void checkSameSize(Rle a, Rle b) {
        if (a.height != b.height || a.width != b.width) {
            throw new IllegalArgumentException("masks differ in size: " + a.height + " x " + a.width + " and "
                    + b.height + " x " + b.width);
        }
    }

    /** Walks the runs of one RLE. */
    private static final class RunCursor {
        private final int[] counts;
        private int index;
        long remaining;
        boolean value;

        RunCursor(int[] counts) {
            this.counts = counts;
            this.remaining = counts[0];
        }

        /** Moves past exhausted runs (each move flips the value). */
        void skipEmpty() {
            while (remaining == 0 && index + 1 < counts.length) {
                remaining = counts[++index];
                value = !value;
            }
        }
    }

    /** Builds canonical counts from (value, length) pieces. */
    private static final class RunWriter {
        private int[] counts = new int[16];
        private int size;
        private boolean value;
        private int current;

        void add(boolean v, int length) {
            if (length == 0) {
                return;
            }
            if (v != value) {
                push(current);
                value = v;
                current = 0;
            }
            current += length;
        }

        int[] finish() {
            push(current);
            return Arrays.copyOf(counts, size);
        }

        private void push(int c) {
            if (size == counts.length) {
                counts = Arrays.copyOf(counts, size * 2);
            }
            counts[size++] = c;
        }
    }
}
