package org.hybridvision.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hybridvision.HybridVisionException;

/**
 * Opens a dataset from a path by recognising its layout, so a command line can take one {@code --data PATH}.
 *
 * <p>Checked in this order:
 * <ol>
 *   <li>an IDX file ({@code ...-images-idx3-ubyte[.gz]}, with its labels file next to it), or a folder holding
 *       {@code train-/t10k-images-idx3-ubyte[.gz]} and the matching label files (MNIST, Fashion-MNIST);</li>
 *   <li>a folder holding CIFAR binaries ({@code data_batch_N.bin}/{@code test_batch.bin} or
 *       {@code train.bin}/{@code test.bin}), directly or in a {@code cifar-10-batches-bin} /
 *       {@code cifar-100-binary} sub-folder, or one such {@code .bin} file;</li>
 *   <li>a folder with {@code train} and {@code val} (or {@code test}) sub-folders: the one for the requested split is
 *       opened as below (the ImageNet layout);</li>
 *   <li>a folder of class sub-folders ({@link ImageFolderDataset}).</li>
 * </ol>
 * Anything else is refused with a message listing the layouts that are understood.
 */
public final class DataSources {
    private DataSources() {
    }

    /**
     * @param path a file or folder
     * @param train the split wanted where the layout has several
     * @return the dataset
     * @throws HybridVisionException when the path is missing or has no recognised layout
     */
    public static ImageDataset open(Path path, boolean train) {
        if (!Files.exists(path)) {
            throw new HybridVisionException("Dataset path " + path + " does not exist: check the path.");
        }
        if (Files.isRegularFile(path)) {
            return openFile(path);
        }
        Path[] idx = IdxDataset.findPair(path, train);
        if (idx != null) {
            return IdxDataset.open(idx[0], idx[1]);
        }
        if (IdxDataset.findPair(path, !train) != null) {
            throw new HybridVisionException("Folder " + path + " has IDX files for the " + (train ? "test" : "training")
                    + " split only; the " + (train ? "training" : "test") + " split ("
                    + (train ? "train" : "t10k") + "-images-idx3-ubyte[.gz] and labels) is missing.");
        }
        if (CifarDataset.locate(path) != null) {
            return CifarDataset.open(path, train);
        }
        String split = train ? "train" : firstExisting(path, "val", "validation", "test");
        if (Files.isDirectory(path.resolve("train")) && split != null && Files.isDirectory(path.resolve(split))
                && !looksLikeClassFolder(path)) {
            return ImageFolderDataset.open(path.resolve(split));
        }
        if (hasSubfolders(path)) {
            return ImageFolderDataset.open(path);
        }
        throw unrecognised(path);
    }

    private static ImageDataset openFile(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.contains("idx3-ubyte")) {
            Path labels = IdxDataset.labelsFileFor(file);
            if (labels == null) {
                throw new HybridVisionException("Found IDX images file " + file + " but no labels file next to it "
                        + "(expected the same name with labels-idx1 instead of images-idx3).");
            }
            return IdxDataset.open(file, labels);
        }
        if (name.contains("idx1-ubyte")) {
            throw new HybridVisionException(file + " is an IDX labels file: pass the images file "
                    + "(...-images-idx3-ubyte[.gz]) or the folder holding both.");
        }
        if (name.endsWith(".bin")) {
            boolean c100 = name.equals("train.bin") || name.equals("test.bin");
            CifarDataset.Variant v = c100 ? CifarDataset.Variant.CIFAR100 : CifarDataset.Variant.CIFAR10;
            return CifarDataset.open(List.of(file), v, null);
        }
        throw unrecognised(file);
    }

    private static String firstExisting(Path dir, String... names) {
        for (String n : names) {
            if (Files.isDirectory(dir.resolve(n))) {
                return n;
            }
        }
        return null;
    }

    /** A train/val root whose sub-folders contain images directly is a class folder that happens to be named so. */
    private static boolean looksLikeClassFolder(Path dir) {
        try (Stream<Path> s = Files.list(dir.resolve("train"))) {
            return s.anyMatch(p -> Files.isRegularFile(p) && ImageFolderDataset.hasImageExtension(p));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean hasSubfolders(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> Files.isDirectory(p) && !p.getFileName().toString().startsWith("."));
        } catch (IOException e) {
            throw new HybridVisionException("Cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static HybridVisionException unrecognised(Path path) {
        String contents = "";
        if (Files.isDirectory(path)) {
            try (Stream<Path> s = Files.list(path)) {
                List<String> names = s.map(p -> p.getFileName().toString()).sorted().limit(8)
                        .collect(Collectors.toList());
                contents = names.isEmpty() ? " It is empty." : " It contains: " + String.join(", ", names) + ".";
            } catch (IOException e) {
                contents = "";
            }
        }
        return new HybridVisionException("Cannot tell what dataset " + path + " is." + contents + " Expected one of: "
                + "a folder with one sub-folder of images per class (ROOT/CLASS/x.jpg, optionally ROOT/train and "
                + "ROOT/val); MNIST/Fashion-MNIST IDX files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
                + "t10k-...); CIFAR binaries (cifar-10-batches-bin/data_batch_1.bin.., test_batch.bin or "
                + "cifar-100-binary/train.bin, test.bin).");
    }
}
