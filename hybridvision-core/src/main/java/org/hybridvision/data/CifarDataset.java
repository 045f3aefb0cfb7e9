package org.hybridvision.data;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.hybridvision.HybridVisionException;

/**
 * CIFAR-10 and CIFAR-100 in their binary distributions ({@code cifar-10-batches-bin}, {@code cifar-100-binary}).
 *
 * <p>Each file is a sequence of fixed-size records: CIFAR-10 has 1 label byte then 3072 pixel bytes (3073 per record;
 * training files {@code data_batch_1.bin} .. {@code data_batch_5.bin}, test file {@code test_batch.bin}); CIFAR-100
 * has a coarse and a fine label byte then 3072 pixel bytes (3074; {@code train.bin}, {@code test.bin}); the fine label
 * is used. Pixels are three 32x32 planes (R, G, B), row-major. Files are memory-mapped when opened, their length must
 * be a whole number of records, and every label is checked once. Class names come from {@code batches.meta.txt}
 * (CIFAR-10) or {@code fine_label_names.txt} (CIFAR-100) next to the data when present, else the standard lists.
 */
public final class CifarDataset implements ImageDataset {
    /** The two variants. */
    public enum Variant {
        /** 10 classes, 1 label byte per record. */
        CIFAR10(1, 10),
        /** 100 fine classes, 2 label bytes per record (coarse, fine). */
        CIFAR100(2, 100);

        private final int labelBytes;
        private final int classes;

        Variant(int labelBytes, int classes) {
            this.labelBytes = labelBytes;
            this.classes = classes;
        }

        /** @return bytes per record */
        public int recordSize() {
            return labelBytes + IMAGE_BYTES;
        }
    }

    /** Pixel bytes per image: 3 planes of 32x32. */
    public static final int IMAGE_BYTES = 3 * 32 * 32;
    /** CIFAR-10 class names in label order. */
    public static final List<String> CIFAR10_CLASSES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog",
            "frog", "horse", "ship", "truck");
    /** CIFAR-100 fine class names in label order. */
    public static final List<String> CIFAR100_CLASSES = List.of("apple", "aquarium_fish", "baby", "bear", "beaver",
            "bed", "bee", "beetle", "bicycle", "bottle", "bowl", "boy", "bridge", "bus", "butterfly", "camel", "can",
            "castle", "caterpillar", "cattle", "chair", "chimpanzee", "clock", "cloud", "cockroach", "couch", "crab",
            "crocodile", "cup", "dinosaur", "dolphin", "elephant", "flatfish", "forest", "fox", "girl", "hamster",
            "house", "kangaroo", "keyboard", "lamp", "lawn_mower", "leopard", "lion", "lizard", "lobster", "man",
            "maple_tree", "motorcycle", "mountain", "mouse", "mushroom", "oak_tree", "orange", "orchid", "otter",
            "palm_tree", "pear", "pickup_truck", "pine_tree", "plain", "plate", "poppy", "porcupine", "possum",
            "rabbit", "raccoon", "ray", "road", "rocket", "rose", "sea", "seal", "shark", "shrew", "skunk",
            "skyscraper", "snail", "snake", "spider", "squirrel", "streetcar", "sunflower", "sweet_pepper", "table",
            "tank", "telephone", "television", "tiger", "tractor", "train", "trout", "tulip", "turtle", "wardrobe",
            "whale", "willow_tree", "wolf", "woman", "worm");

    private final Variant variant;
    private final List<Path> files;
    private final MappedByteBuffer[] buffers;
    private final int[] starts;
    private final byte[] labels;
    private final List<String> classNames;

    private CifarDataset(Variant variant, List<Path> files, MappedByteBuffer[] buffers, int[] starts, byte[] labels,
            List<String> classNames) {
        this.variant = variant;
        this.files = List.copyOf(files);
        this.buffers = buffers;
        this.starts = starts;
        this.labels = labels;
        this.classNames = List.copyOf(classNames);
    }

    /**
     * The training or test split from an extracted binary folder, detecting the variant from the file names.
     *
     * @param dir {@code cifar-10-batches-bin}, {@code cifar-100-binary}, or a folder containing one of them
     * @param train which split
     * @return the dataset
     * @throws HybridVisionException when the folder holds neither layout, or a file is damaged
     */
    public static CifarDataset open(Path dir, boolean train) {
        Path d = locate(dir);
        if (d == null) {
            throw new HybridVisionException("No CIFAR binary files in " + dir + ": expected data_batch_1.bin .. "
                    + "data_batch_5.bin and test_batch.bin (CIFAR-10, folder cifar-10-batches-bin) or train.bin and "
                    + "test.bin (CIFAR-100, folder cifar-100-binary).");
        }
        if (Files.isRegularFile(d.resolve("test_batch.bin")) || Files.isRegularFile(d.resolve("data_batch_1.bin"))) {
            List<Path> files = new ArrayList<>();
            if (train) {
                for (int i = 1; i <= 5; i++) {
                    Path p = d.resolve("data_batch_" + i + ".bin");
                    if (Files.isRegularFile(p)) {
                        files.add(p);
                    }
                }
            } else if (Files.isRegularFile(d.resolve("test_batch.bin"))) {
                files.add(d.resolve("test_batch.bin"));
            }
            if (files.isEmpty()) {
                throw new HybridVisionException("CIFAR-10 folder " + d + " has no " + (train
                        ? "training files (data_batch_1.bin .. data_batch_5.bin)" : "test file (test_batch.bin)")
                        + ".");
            }
            return open(files, Variant.CIFAR10, namesFrom(d.resolve("batches.meta.txt"), CIFAR10_CLASSES));
        }
        Path f = d.resolve(train ? "train.bin" : "test.bin");
        if (!Files.isRegularFile(f)) {
            throw new HybridVisionException("CIFAR-100 folder " + d + " has no " + f.getFileName() + ".");
        }
        return open(List.of(f), Variant.CIFAR100, namesFrom(d.resolve("fine_label_names.txt"), CIFAR100_CLASSES));
    }

    /**
     * The folder holding CIFAR binaries: {@code dir} itself, or its {@code cifar-10-batches-bin} /
     * {@code cifar-100-binary} sub-folder.
     *
     * @param dir a folder
     * @return the folder with the .bin files, or null
     */
    static Path locate(Path dir) {
        for (Path d : new Path[] {dir, dir.resolve("cifar-10-batches-bin"), dir.resolve("cifar-100-binary")}) {
            if (Files.isRegularFile(d.resolve("test_batch.bin")) || Files.isRegularFile(d.resolve("data_batch_1.bin"))
                    || Files.isRegularFile(d.resolve("train.bin")) || Files.isRegularFile(d.resolve("test.bin"))) {
                return d;
            }
        }
        return null;
    }

    /**
     * Opens explicit files of one variant.
     *
     * @param files the .bin files, in order
     * @param variant CIFAR-10 or CIFAR-100
     * @param classNames class names in label order, or null for the standard list
     * @return the dataset
     * @throws HybridVisionException naming the file that is missing, empty, not a whole number of records, or holds
     *     an out-of-range label
     */
    public static CifarDataset open(List<Path> files, Variant variant, List<String> classNames) {
        List<String> names = classNames != null ? classNames
                : variant == Variant.CIFAR10 ? CIFAR10_CLASSES : CIFAR100_CLASSES;
        int rec = variant.recordSize();
        MappedByteBuffer[] buffers = new MappedByteBuffer[files.size()];
        int[] starts = new int[files.size() + 1];
        long total = 0;
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                long len = ch.size();
                if (len == 0 || len % rec != 0) {
                    String other = variant == Variant.CIFAR10 ? "CIFAR-100 (3074)" : "CIFAR-10 (3073)";
                    throw new HybridVisionException("CIFAR file " + f + " has " + len + " bytes, not a whole number of "
                            + rec + "-byte " + (variant == Variant.CIFAR10 ? "CIFAR-10" : "CIFAR-100") + " records"
                            + (len > 0 && len % (rec == 3073 ? 3074 : 3073) == 0 ? " (it looks like " + other + ")"
                                    : ": it is truncated or damaged")
                            + ". Download or extract it again.");
                }
                if (len > Integer.MAX_VALUE) {
                    throw new HybridVisionException("CIFAR file " + f + " is larger than 2 GB: not a CIFAR file.");
                }
                buffers[i] = ch.map(FileChannel.MapMode.READ_ONLY, 0, len);
                starts[i] = (int) total;
                total += len / rec;
            } catch (java.nio.file.NoSuchFileException e) {
                throw new HybridVisionException("CIFAR file " + f + " does not exist: check the path.", e);
            } catch (IOException e) {
                throw new HybridVisionException("Cannot read CIFAR file " + f + ": " + e.getMessage(), e);
            }
        }
        if (total > Integer.MAX_VALUE) {
            throw new HybridVisionException("Too many CIFAR records: " + total);
        }
        starts[files.size()] = (int) total;
        byte[] labels = new byte[(int) total];
        int labelOffset = variant.labelBytes - 1;
        for (int i = 0; i < files.size(); i++) {
            for (int r = starts[i]; r < starts[i + 1]; r++) {
                int label = buffers[i].get((r - starts[i]) * rec + labelOffset) & 0xFF;
                if (label >= names.size()) {
                    throw new HybridVisionException("CIFAR file " + files.get(i) + ", record " + (r - starts[i])
                            + " has label " + label + " but there are " + names.size() + " classes: the file is "
                            + "damaged or is not " + (variant == Variant.CIFAR10 ? "CIFAR-10" : "CIFAR-100") + ".");
                }
                labels[r] = (byte) label;
            }
        }
        return new CifarDataset(variant, files, buffers, starts, labels, names);
    }

    private static List<String> namesFrom(Path file, List<String> fallback) {
        if (!Files.isRegularFile(file)) {
            return fallback;
        }
        try {
            List<String> names = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    names.add(line.strip());
                }
            }
            if (names.size() != fallback.size()) {
                throw new HybridVisionException("Class-name file " + file + " lists " + names.size()
                        + " names, expected " + fallback.size() + ".");
            }
            return names;
        } catch (IOException e) {
            throw new HybridVisionException("Cannot read class-name file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public Sample get(int index) {
        ImageDataset.checkIndex(index, labels.length);
        int f = fileOf(index);
        int rec = variant.recordSize();
        int r = index - starts[f];
        byte[] planes = new byte[IMAGE_BYTES];
        buffers[f].get(r * rec + variant.labelBytes, planes, 0, IMAGE_BYTES);
        byte[] hwc = new byte[IMAGE_BYTES];
        for (int i = 0, o = 0; i < 1024; i++, o += 3) {
            hwc[o] = planes[i];
            hwc[o + 1] = planes[1024 + i];
            hwc[o + 2] = planes[2048 + i];
        }
        return new Sample(new ByteImage(32, 32, 3, hwc), labels[index] & 0xFF, files.get(f) + "#" + r);
    }

    private int fileOf(int index) {
        int lo = 0;
        int hi = buffers.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (starts[mid] <= index) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    @Override
    public int label(int index) {
        ImageDataset.checkIndex(index, labels.length);
        return labels[index] & 0xFF;
    }

    /** @return which CIFAR */
    public Variant variant() {
        return variant;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public String describe() {
        return (variant == Variant.CIFAR10 ? "CIFAR-10" : "CIFAR-100") + " " + files + ": " + labels.length
                + " images 32x32, " + classNames.size() + " classes";
    }

    @Override
    public String toString() {
        return describe();
    }
}
