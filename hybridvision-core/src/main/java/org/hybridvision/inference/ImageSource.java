package org.hybridvision.inference;

import org.hybridvision.HybridVisionException;
import org.hybridvision.data.ByteImage;
import org.hybridvision.data.ImageFolderDataset;
import org.hybridvision.data.Images;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * One image to classify: a name for reports, a way to decode it (run on a decode thread) and an optional label.
 *
 * @param name shown in results and failure reports (the file path for files)
 * @param loader decodes the image; throws {@link HybridVisionException} with a clear message when it cannot
 * @param label the true class for evaluation, or -1
 */
public record ImageSource(String name, Supplier<ByteImage> loader, int label) {

    /**
     * @param file an image file (decoded with {@link Images#read(Path)} when needed)
     * @return an unlabelled source
     */
    public static ImageSource of(Path file) {
        return of(file, -1);
    }

    /**
     * @param file an image file
     * @param label its true class
     * @return a labelled source
     */
    public static ImageSource of(Path file, int label) {
        return new ImageSource(file.toString(), () -> Images.read(file), label);
    }

    /**
     * @param name a name for results
     * @param image an image already in memory
     * @return an unlabelled source
     */
    public static ImageSource of(String name, BufferedImage image) {
        return new ImageSource(name, () -> Images.fromBufferedImage(image, Images.Alpha.DROP), -1);
    }

    /**
     * Expands command-line style inputs into files: a file is taken as is (its content decides whether it is an
     * image); a folder contributes every regular file below it, recursively, in sorted path order, except hidden
     * files (names starting with a dot) and ImageFolder class lists ({@code classes.txt}).
     *
     * @param inputs files and folders
     * @return the files, in order
     * @throws HybridVisionException when an input does not exist
     */
    public static List<Path> listFiles(List<Path> inputs) {
        List<Path> out = new ArrayList<>();
        for (Path p : inputs) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    s.filter(Files::isRegularFile)
                            .filter(f -> !f.getFileName().toString().startsWith("."))
                            // an ImageFolder's class list (ImageFolderDataset) is part of the layout, not an image
                            .filter(f -> !f.getFileName().toString().equals(ImageFolderDataset.CLASSES_FILE))
                            .sorted()
                            .forEach(out::add);
                } catch (IOException | UncheckedIOException e) {
                    throw new HybridVisionException("cannot list folder " + p + ": " + e.getMessage()
                            + ". Check its permissions.", e);
                }
            } else if (Files.exists(p)) {
                out.add(p);
            } else {
                throw new HybridVisionException("input " + p + " does not exist: give image files or folders.");
            }
        }
        return out;
    }
}
