package org.hybridvision.detection.coco.synthetic;

import org.hybridvision.HybridVisionException;
import org.hybridvision.data.ByteImage;
import org.hybridvision.data.ImageFolderDataset;
import org.hybridvision.data.Images;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The real photos that scenes are composed on.
 *
 * <p>By default 19 photos from four small Debian packages (about 29 MB to download in all), found installed or
 * fetched into the cache by {@link DebianPackages}: from {@code python3-skimage} astronaut, chelsea (cat), coffee,
 * rocket, brick, grass, gravel, moon and the Hubble deep field; from {@code python-matplotlib-data} Grace Hopper; from
 * {@code darknet} dog, eagle, giraffe, horses, kite, person and The Scream; from {@code python3-sklearn} china
 * (a temple) and flower. Their licences are public domain, CC0, CC BY 2.0 (the two scikit-learn photos) and MIT
 * (darknet). A package that cannot be had is skipped with a note; at least {@link #MINIMUM} photos are needed.
 * Alternatively any folder of JPEG / PNG photos ({@code --backgrounds DIR}).
 *
 * <p>Each scene uses a random crop of one photo (see {@link SceneComposer}), so a few photos give many different
 * backgrounds.
 */
final class Backgrounds {
    private Backgrounds() {
    }

    /** Fewest photos a data set is made from. */
    static final int MINIMUM = 3;

    /** Photos smaller than this (either side) are not used. */
    static final int MIN_SIDE = 96;

    private static final Map<String, List<String>> DEBIAN = new LinkedHashMap<>();

    static {
        String sk = "usr/lib/python3/dist-packages/skimage/data/";
        DEBIAN.put("python3-skimage", List.of(sk + "astronaut.png", sk + "chelsea.png", sk + "coffee.png",
                sk + "rocket.jpg", sk + "brick.png", sk + "grass.png", sk + "gravel.png", sk + "moon.png",
                sk + "hubble_deep_field.jpg"));
        DEBIAN.put("python-matplotlib-data", List.of("usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg"));
        String dn = "usr/share/darknet/data/";
        DEBIAN.put("darknet", List.of(dn + "dog.jpg", dn + "eagle.jpg", dn + "giraffe.jpg", dn + "horses.jpg",
                dn + "kite.jpg", dn + "person.jpg", dn + "scream.jpg"));
        String sl = "usr/lib/python3/dist-packages/sklearn/datasets/images/";
        DEBIAN.put("python3-sklearn", List.of(sl + "china.jpg", sl + "flower.jpg"));
    }

    /** @return the Debian packages used and the photo paths inside each */
    static Map<String, List<String>> debianPhotos() {
        return DEBIAN;
    }

    /**
     * @param packages where to find or fetch the packages
     * @param log where to note packages that could not be had
     * @return the photo files found, in a fixed order
     */
    static List<Path> fromDebian(DebianPackages packages, PrintStream log) {
        List<Path> files = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : DEBIAN.entrySet()) {
            Path root = packages.locate(e.getKey(), e.getValue().get(0), false);
            if (root == null) {
                log.println("note: Debian package " + e.getKey() + " could not be found or fetched: its "
                        + e.getValue().size() + " photo(s) are not used");
                continue;
            }
            for (String f : e.getValue()) {
                Path p = root.resolve(f);
                if (Files.isRegularFile(p)) {
                    files.add(p);
                }
            }
        }
        return files;
    }

    /**
     * @param dir a folder of photos (searched recursively)
     * @return its image files, sorted by path
     */
    static List<Path> fromFolder(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new HybridVisionException("Background folder " + dir + " does not exist or is not a folder.");
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(ImageFolderDataset::hasImageExtension).sorted().toList();
        } catch (IOException e) {
            throw new HybridVisionException("Cannot list background folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param files photo files
     * @return the decoded RGB photos (files too small are left out)
     * @throws HybridVisionException when fewer than {@link #MINIMUM} usable photos remain, or a file is damaged
     */
    static List<ByteImage> load(List<Path> files) {
        List<ByteImage> out = new ArrayList<>();
        for (Path f : files) {
            ByteImage img = Images.read(f);
            if (img.width() >= MIN_SIDE && img.height() >= MIN_SIDE) {
                out.add(img);
            }
        }
        if (out.size() < MINIMUM) {
            throw new HybridVisionException("Only " + out.size() + " background photo(s) of at least " + MIN_SIDE
                    + " x " + MIN_SIDE + " pixels are available (need " + MINIMUM + "). The default photos come "
                    + "from the Debian packages " + String.join(", ", DEBIAN.keySet()) + " (fetched with apt-get "
                    + "download; check that apt can reach its mirror, e.g. 'apt-get update'), or pass "
                    + "--backgrounds DIR with photos of your own.");
        }
        return out;
    }
}
