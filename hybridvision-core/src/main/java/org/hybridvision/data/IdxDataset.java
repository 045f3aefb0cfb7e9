package org.hybridvision.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.hybridvision.HybridVisionException;

/**
 * MNIST-style IDX files: an {@code idx3-ubyte} image file (magic 0x00000803, then big-endian int32 count, rows,
 * columns, then {@code count*rows*columns} unsigned bytes) and an {@code idx1-ubyte} label file (magic 0x00000801,
 * count, then one byte per label). Either file may be gzip-compressed ({@code .gz}, detected from the content).
 *
 * <p>Both files are read into memory when the dataset is opened (Fashion-MNIST's training set is 47 MB) and fully
 * validated: magic numbers, header sizes, exact data length (a truncated file is reported with the file name), equal
 * counts, and labels below the number of classes. Images are grey {@code rows x cols} {@link ByteImage}s;
 * {@link #copyImages} is the fast path that copies raw bytes for a whole batch.
 *
 * <p>Class names: given by the caller, else the Fashion-MNIST names when the files are Fashion-MNIST (a path
 * containing "fashion", or the label file's MD5 matching the published Fashion-MNIST labels), else the digits 0-9.
 */
public final class IdxDataset implements ImageDataset {
    /** Where Debian's {@code dataset-fashion-mnist} package installs the data. */
    public static final Path DEFAULT_FASHION_MNIST_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** Fashion-MNIST class names in label order. */
    public static final List<String> FASHION_MNIST_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress",
            "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    /** MNIST class names (the digits) in label order. */
    public static final List<String> MNIST_CLASSES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    /** MD5 of the uncompressed Fashion-MNIST label files (train, t10k). */
    private static final Set<String> FASHION_LABEL_MD5 = Set.of("9018921c3c673c538a1fc5bad174d6f9",
            "15d484375f8d13e6eb1aabb0c3f46965");

    private static final int IMAGES_MAGIC = 0x803;
    private static final int LABELS_MAGIC = 0x801;

    private final Path imagesFile;
    private final byte[] pixels;
    private final byte[] labels;
    private final int count;
    private final int rows;
    private final int cols;
    private final List<String> classNames;

    private IdxDataset(Path imagesFile, byte[] pixels, byte[] labels, int count, int rows, int cols,
            List<String> classNames) {
        this.imagesFile = imagesFile;
        this.pixels = pixels;
        this.labels = labels;
        this.count = count;
        this.rows = rows;
        this.cols = cols;
        this.classNames = List.copyOf(classNames);
    }

    /**
     * Opens a pair of IDX files, choosing class names as described in the class comment.
     *
     * @param images the {@code *-images-idx3-ubyte[.gz]} file
     * @param labels the {@code *-labels-idx1-ubyte[.gz]} file
     * @return the dataset
     * @throws HybridVisionException naming the file that is missing, truncated or malformed
     */
    public static IdxDataset open(Path images, Path labels) {
        return open(images, labels, null);
    }

    /**
     * Opens a pair of IDX files.
     *
     * @param images the {@code *-images-idx3-ubyte[.gz]} file
     * @param labels the {@code *-labels-idx1-ubyte[.gz]} file
     * @param classNames class names in label order, or null to choose automatically
     * @return the dataset
     * @throws HybridVisionException naming the file that is missing, truncated or malformed
     */
    public static IdxDataset open(Path images, Path labels, List<String> classNames) {
        byte[] img = readMaybeGzip(images);
        byte[] lab = readMaybeGzip(labels);

        ByteBuffer ih = header(img, images, IMAGES_MAGIC, 3, "images (idx3-ubyte)");
        int n = ih.getInt(4);
        int r = ih.getInt(8);
        int c = ih.getInt(12);
        if (n < 0 || r <= 0 || c <= 0) {
            throw new HybridVisionException("IDX image file " + images + " has an invalid header: count " + n
                    + ", rows " + r + ", columns " + c + ".");
        }
        long expected = 16L + (long) n * r * c;
        checkLength(images, img.length, expected, n + " images of " + r + "x" + c);

        ByteBuffer lh = header(lab, labels, LABELS_MAGIC, 1, "labels (idx1-ubyte)");
        int nl = lh.getInt(4);
        if (nl < 0) {
            throw new HybridVisionException("IDX label file " + labels + " has an invalid count " + nl + ".");
        }
        checkLength(labels, lab.length, 8L + nl, nl + " labels");
        if (nl != n) {
            throw new HybridVisionException("IDX files do not match: " + images + " has " + n + " images but "
                    + labels + " has " + nl + " labels. Pair the train files together and the t10k files together.");
        }
        byte[] pix = java.util.Arrays.copyOfRange(img, 16, img.length);
        byte[] lbl = java.util.Arrays.copyOfRange(lab, 8, lab.length);
        int maxLabel = -1;
        for (byte b : lbl) {
            maxLabel = Math.max(maxLabel, b & 0xFF);
        }
        List<String> names = classNames;
        if (names == null) {
            names = looksLikeFashion(images, labels, lab) ? FASHION_MNIST_CLASSES : MNIST_CLASSES;
            if (maxLabel >= names.size()) {
                List<String> generic = new ArrayList<>();
                for (int i = 0; i <= maxLabel; i++) {
                    generic.add(Integer.toString(i));
                }
                names = generic;
            }
        } else if (maxLabel >= names.size()) {
            throw new HybridVisionException("IDX label file " + labels + " has label " + maxLabel + " but only "
                    + names.size() + " class names were given.");
        }
        return new IdxDataset(images, pix, lbl, n, r, c, names);
    }

    /**
     * Fashion-MNIST from a folder holding {@code train-images-idx3-ubyte.gz}, {@code train-labels-idx1-ubyte.gz},
     * {@code t10k-images-idx3-ubyte.gz}, {@code t10k-labels-idx1-ubyte.gz} (or the uncompressed files).
     *
     * @param dir the folder
     * @param train true for the 60000 training images, false for the 10000 test images
     * @return the dataset, with Fashion-MNIST class names
     * @throws HybridVisionException when the files are missing (says how to install them) or damaged
     */
    public static IdxDataset fashionMnist(Path dir, boolean train) {
        Path[] pair = findPair(dir, train);
        if (pair == null) {
            throw new HybridVisionException("No Fashion-MNIST " + (train ? "training" : "test") + " files in " + dir
                    + ": expected " + (train ? "train" : "t10k") + "-images-idx3-ubyte.gz and " + (train ? "train"
                            : "t10k") + "-labels-idx1-ubyte.gz. Install them with 'apt-get install "
                    + "dataset-fashion-mnist' (into " + DEFAULT_FASHION_MNIST_DIR + ") or pass the folder.");
        }
        return open(pair[0], pair[1], FASHION_MNIST_CLASSES);
    }

    /**
     * Fashion-MNIST from {@link #DEFAULT_FASHION_MNIST_DIR}.
     *
     * @param train true for the training split
     * @return the dataset
     */
    public static IdxDataset fashionMnist(boolean train) {
        return fashionMnist(DEFAULT_FASHION_MNIST_DIR, train);
    }

    /**
     * Finds the images/labels pair of a split in a folder: {@code train-} or {@code t10k-} prefixed
     * {@code images-idx3-ubyte} / {@code labels-idx1-ubyte}, with '-' or '.' before "idx", optionally gzipped.
     *
     * @param dir the folder
     * @param train which split
     * @return {images, labels}, or null when either is missing
     */
    public static Path[] findPair(Path dir, boolean train) {
        String prefix = train ? "train" : "t10k";
        Path images = find(dir, prefix + "-images", "idx3-ubyte");
        Path labels = find(dir, prefix + "-labels", "idx1-ubyte");
        return images != null && labels != null ? new Path[] {images, labels} : null;
    }

    private static Path find(Path dir, String stem, String kind) {
        for (String sep : new String[] {"-", "."}) {
            for (String ext : new String[] {"", ".gz"}) {
                Path p = dir.resolve(stem + sep + kind + ext);
                if (Files.isRegularFile(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    /**
     * Given an images file, the labels file next to it ({@code images-idx3} replaced by {@code labels-idx1}).
     *
     * @param images an images file
     * @return the labels file, or null when it does not exist
     */
    public static Path labelsFileFor(Path images) {
        String name = images.getFileName().toString();
        String labels = name.replace("images-idx3", "labels-idx1").replace("images.idx3", "labels.idx1");
        if (labels.equals(name)) {
            return null;
        }
        Path p = images.resolveSibling(labels);
        if (Files.isRegularFile(p)) {
            return p;
        }
        Path alt = labels.endsWith(".gz") ? images.resolveSibling(labels.substring(0, labels.length() - 3))
                : images.resolveSibling(labels + ".gz");
        return Files.isRegularFile(alt) ? alt : null;
    }

    private static boolean looksLikeFashion(Path images, Path labels, byte[] labelBytes) {
        String paths = (images.toAbsolutePath() + " " + labels.toAbsolutePath()).toLowerCase(Locale.ROOT);
        if (paths.contains("fashion")) {
            return true;
        }
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            return FASHION_LABEL_MD5.contains(HexFormat.of().formatHex(md5.digest(labelBytes)));
        } catch (NoSuchAlgorithmException e) {
            return false;
        }
    }

    private static byte[] readMaybeGzip(Path file) {
        try (InputStream raw = Files.newInputStream(file)) {
            byte[] head = raw.readNBytes(2);
            boolean gz = head.length == 2 && (head[0] & 0xFF) == 0x1F && (head[1] & 0xFF) == 0x8B;
            if (!gz) {
                return Files.readAllBytes(file);
            }
        } catch (NoSuchFileException e) {
            throw new HybridVisionException("IDX file " + file + " does not exist: check the path.", e);
        } catch (IOException e) {
            throw new HybridVisionException("Cannot read IDX file " + file + ": " + e.getMessage(), e);
        }
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
            return in.readAllBytes();
        } catch (EOFException e) {
            throw new HybridVisionException("IDX file " + file + " is truncated: the gzip stream ends early. "
                    + "Download or copy it again.", e);
        } catch (ZipException e) {
            throw new HybridVisionException("IDX file " + file + " is not a valid gzip file (" + e.getMessage()
                    + "). Download or copy it again.", e);
        } catch (IOException e) {
            throw new HybridVisionException("Cannot read IDX file " + file + ": " + e.getMessage(), e);
        }
    }

    private static ByteBuffer header(byte[] data, Path file, int magic, int dims, String what) {
        if (data.length < 4) {
            throw new HybridVisionException("IDX file " + file + " is truncated: " + data.length + " bytes, too short "
                    + "for an IDX header. Download or copy it again.");
        }
        ByteBuffer b = ByteBuffer.wrap(data); // big-endian by default, as IDX is
        int m = b.getInt(0);
        if (m != magic) {
            String hint = m == 0x803 || m == 0x801 ? " (this looks like the " + (m == 0x803 ? "images" : "labels")
                    + " file: are the two files swapped?)" : (m >>> 16) != 0 ? " (not an IDX file)"
                            : " (IDX type 0x" + Integer.toHexString((m >> 8) & 0xFF) + ", " + (m & 0xFF)
                                    + " dimensions; only unsigned-byte data is supported)";
            throw new HybridVisionException("IDX file " + file + " has magic number 0x"
                    + String.format("%08X", m) + ", expected 0x" + String.format("%08X", magic) + " for " + what
                    + hint + ".");
        }
        int need = 4 + 4 * dims;
        if (data.length < need) {
            throw new HybridVisionException("IDX file " + file + " is truncated: " + data.length + " bytes, shorter "
                    + "than the " + need + "-byte header of an " + what + " file.");
        }
        return b;
    }

    private static void checkLength(Path file, long actual, long expected, String what) {
        if (actual < expected) {
            throw new HybridVisionException("IDX file " + file + " is truncated: its header announces " + what
                    + " (" + expected + " bytes) but it has " + actual + " bytes. Download or copy it again.");
        }
        if (actual > expected) {
            throw new HybridVisionException("IDX file " + file + " has " + (actual - expected) + " bytes more than "
                    + "its header announces (" + what + "): the file is damaged or not an IDX file.");
        }
    }

    @Override
    public int size() {
        return count;
    }

    /** @return image height */
    public int rows() {
        return rows;
    }

    /** @return image width */
    public int cols() {
        return cols;
    }

    @Override
    public Sample get(int index) {
        ImageDataset.checkIndex(index, count);
        int n = rows * cols;
        byte[] px = new byte[n];
        System.arraycopy(pixels, index * n, px, 0, n);
        return new Sample(new ByteImage(cols, rows, 1, px), labels[index] & 0xFF, imagesFile + "#" + index);
    }

    @Override
    public int label(int index) {
        ImageDataset.checkIndex(index, count);
        return labels[index] & 0xFF;
    }

    /**
     * Fast path for batches: copies the raw grey pixels of the given samples, back to back
     * ({@code indices.length * rows * cols} bytes, each image row-major).
     *
     * @param indices sample indices
     * @param dst destination
     * @param offset where the first image starts in {@code dst}
     */
    public void copyImages(int[] indices, byte[] dst, int offset) {
        int n = rows * cols;
        for (int i = 0; i < indices.length; i++) {
            ImageDataset.checkIndex(indices[i], count);
            System.arraycopy(pixels, indices[i] * n, dst, offset + i * n, n);
        }
    }

    /**
     * @param indices sample indices
     * @return their raw pixels back to back, {@code [indices.length, rows, cols]} uint8
     */
    public byte[] images(int[] indices) {
        byte[] out = new byte[indices.length * rows * cols];
        copyImages(indices, out, 0);
        return out;
    }

    /**
     * @param indices sample indices
     * @return their labels
     */
    public int[] labels(int[] indices) {
        int[] out = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = label(indices[i]);
        }
        return out;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public String describe() {
        return "IDX " + imagesFile + ": " + count + " grey images " + cols + "x" + rows + ", " + classNames.size()
                + " classes";
    }

    @Override
    public String toString() {
        return describe();
    }
}
