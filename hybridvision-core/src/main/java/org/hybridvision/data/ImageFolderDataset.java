package org.hybridvision.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hybridvision.HybridVisionException;

/**
 * A folder of images laid out as torchvision's {@code ImageFolder}: {@code root/CLASS/.../IMAGE}.
 *
 * <p>Classes are the sub-folders of {@code root}, indexed in sorted name order, unless a class list is given or
 * {@code root/classes.txt} exists (one class name per line, blank lines and {@code #} comments ignored): then the list
 * fixes the indices, listed classes may lack a folder, and a folder missing from the list is an error. Images are
 * found recursively under each class folder (following links) by extension: jpg, jpeg, png, bmp, gif, in any case.
 * Samples are ordered by class, then as torchvision orders them (sorted folder path, then sorted file name). Hidden
 * files and folders (name starting with '.') are skipped, unlike torchvision.
 *
 * <p>Files are decoded by {@link Images#read} when {@link #get} is called; a damaged file then throws a
 * {@link HybridVisionException} naming it.
 */
public final class ImageFolderDataset implements ImageDataset {
    /** Recognised image file extensions (lower case, without the dot). */
    public static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "gif");
    /** Name of the optional class-list file in the root folder. */
    public static final String CLASSES_FILE = "classes.txt";

    private final Path root;
    private final List<String> classNames;
    private final Path[] files;
    private final int[] labels;

    private ImageFolderDataset(Path root, List<String> classNames, Path[] files, int[] labels) {
        this.root = root;
        this.classNames = List.copyOf(classNames);
        this.files = files;
        this.labels = labels;
    }

    /**
     * Opens a folder, using {@code root/classes.txt} for the class order when it exists.
     *
     * @param root the folder holding one sub-folder per class
     * @return the dataset
     * @throws HybridVisionException when the folder is missing, has no class folders, or a class folder has no images
     */
    public static ImageFolderDataset open(Path root) {
        Path list = root.resolve(CLASSES_FILE);
        return open(root, Files.isRegularFile(list) ? readClassList(list) : null);
    }

    /**
     * Opens a folder with an explicit class order.
     *
     * @param root the folder holding one sub-folder per class
     * @param classNames class names in index order, or null for sorted folder names
     * @return the dataset
     * @throws HybridVisionException when the layout does not match
     */
    public static ImageFolderDataset open(Path root, List<String> classNames) {
        if (!Files.exists(root)) {
            throw new HybridVisionException("Image folder " + root + " does not exist: check the path.");
        }
        if (!Files.isDirectory(root)) {
            throw new HybridVisionException(root + " is not a folder: an image-folder dataset is a folder with one "
                    + "sub-folder per class (ROOT/CLASS/image.jpg).");
        }
        List<String> folders;
        try (Stream<Path> s = Files.list(root)) {
            folders = s.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".")).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new HybridVisionException("Cannot list image folder " + root + ": " + e.getMessage(), e);
        }
        if (folders.isEmpty()) {
            throw new HybridVisionException("Image folder " + root + " has no class sub-folders: expected one "
                    + "sub-folder per class, e.g. " + root.resolve("cat").resolve("001.jpg") + ".");
        }
        List<String> classes;
        if (classNames == null) {
            classes = folders;
        } else {
            classes = List.copyOf(classNames);
            Set<String> seen = new HashSet<>();
            for (String c : classes) {
                if (!seen.add(c)) {
                    throw new HybridVisionException("Class '" + c + "' is listed twice in the class list for " + root
                            + ".");
                }
            }
            List<String> unknown = folders.stream().filter(f -> !seen.contains(f)).collect(Collectors.toList());
            if (!unknown.isEmpty()) {
                throw new HybridVisionException("Folders " + preview(unknown) + " in " + root + " are not in the "
                        + "class list (" + classes.size() + " classes): add them to " + CLASSES_FILE
                        + " or remove the folders.");
            }
        }
        Set<String> present = new HashSet<>(folders);
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            if (!present.contains(classes.get(c))) {
                continue;
            }
            Path dir = root.resolve(classes.get(c));
            List<Path> found = listImages(dir);
            if (found.isEmpty()) {
                throw new HybridVisionException("Class folder " + dir + " contains no images (looked for "
                        + String.join(", ", new java.util.TreeSet<>(EXTENSIONS)) + " files, recursively). Add "
                        + "images or remove the folder.");
            }
            for (Path f : found) {
                files.add(f);
                labels.add(c);
            }
        }
        return new ImageFolderDataset(root, classes, files.toArray(new Path[0]),
                labels.stream().mapToInt(Integer::intValue).toArray());
    }

    private static String preview(List<String> names) {
        List<String> head = names.subList(0, Math.min(5, names.size()));
        return head.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "))
                + (names.size() > 5 ? " and " + (names.size() - 5) + " more" : "");
    }

    /** Images under a class folder, in torchvision's order: by folder path, then file name. */
    private static List<Path> listImages(Path dir) {
        Map<Path, String> parentKey = new HashMap<>();
        try (Stream<Path> s = Files.walk(dir, FileVisitOption.FOLLOW_LINKS)) {
            List<Path> out = s.filter(p -> !p.equals(dir))
                    .filter(p -> !isHidden(dir.relativize(p)))
                    .filter(Files::isRegularFile)
                    .filter(ImageFolderDataset::hasImageExtension)
                    .collect(Collectors.toList());
            for (Path p : out) {
                Path rel = dir.relativize(p.getParent());
                StringBuilder sb = new StringBuilder();
                for (Path part : rel) {
                    if (!part.toString().isEmpty()) {
                        sb.append('/').append(part);
                    }
                }
                parentKey.put(p, sb.toString());
            }
            out.sort(Comparator.<Path, String>comparing(parentKey::get)
                    .thenComparing(p -> p.getFileName().toString()));
            return out;
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new HybridVisionException("Cannot list class folder " + dir + ": " + e.getMessage(), e);
        }
    }

    private static boolean isHidden(Path rel) {
        for (Path part : rel) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param file a path
     * @return true when its extension is one of {@link #EXTENSIONS} (any case)
     */
    public static boolean hasImageExtension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /**
     * Reads a class list: one name per line; blank lines and lines starting with '#' are ignored.
     *
     * @param file the list
     * @return the names in order
     * @throws HybridVisionException when the file cannot be read or is empty
     */
    public static List<String> readClassList(Path file) {
        List<String> names = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String t = line.strip();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    names.add(t);
                }
            }
        } catch (IOException e) {
            throw new HybridVisionException("Cannot read class list " + file + ": " + e.getMessage(), e);
        }
        if (names.isEmpty()) {
            throw new HybridVisionException("Class list " + file + " is empty: write one class name per line.");
        }
        return names;
    }

    @Override
    public int size() {
        return files.length;
    }

    @Override
    public Sample get(int index) {
        ImageDataset.checkIndex(index, files.length);
        return new Sample(Images.read(files[index]), labels[index], files[index].toString());
    }

    @Override
    public int label(int index) {
        ImageDataset.checkIndex(index, files.length);
        return labels[index];
    }

    /**
     * @param index sample index
     * @return the image file of that sample
     */
    public Path path(int index) {
        ImageDataset.checkIndex(index, files.length);
        return files[index];
    }

    /** @return the root folder */
    public Path root() {
        return root;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public String describe() {
        return "image folder " + root + ": " + files.length + " images, " + classNames.size() + " classes";
    }

    @Override
    public String toString() {
        return describe();
    }
}
