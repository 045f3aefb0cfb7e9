package org.hybridvision.detection.coco.synthetic;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/** Stand-in stamps (RGBA PNGs drawn here) and the committed test photos, so tests need no Debian package. */
final class StampFixtures {
    private StampFixtures() {
    }

    /** Pure colours, one per category of {@link #categories()}. */
    static final int[] COLOURS = {0xFF0000, 0x00FF00, 0x0000FF};

    /** Three categories: opaque squares (red), disks (green), triangles (blue), two stamps each. */
    static List<StampCategory> categories() {
        return List.of(new StampCategory("square", "shape", List.of("t/square_a.png", "t/square_b.png")),
                new StampCategory("disk", "shape", List.of("t/disk_a.png", "t/disk_b.png")),
                new StampCategory("triangle", "shape", List.of("t/tri_a.png", "t/tri_b.png")));
    }

    /** Writes the stamps of {@link #categories()} under {@code root}. */
    static Path writeStamps(Path root) {
        write(root.resolve("t/square_a.png"), 40, 40, 0, COLOURS[0]);
        write(root.resolve("t/square_b.png"), 60, 30, 0, COLOURS[0]);
        write(root.resolve("t/disk_a.png"), 50, 50, 1, COLOURS[1]);
        write(root.resolve("t/disk_b.png"), 30, 36, 1, COLOURS[1]);
        write(root.resolve("t/tri_a.png"), 44, 40, 2, COLOURS[2]);
        write(root.resolve("t/tri_b.png"), 70, 50, 2, COLOURS[2]);
        return root;
    }

    /**
     * Writes an RGBA stamp: a shape of one pure colour, fully opaque, on a transparent margin of 3 pixels.
     *
     * @param shape 0 rectangle, 1 ellipse, 2 triangle (apex up)
     */
    static void write(Path file, int w, int h, int shape, int rgb) {
        BufferedImage img = new BufferedImage(w + 6, h + 6, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double u = (x + 0.5) / w;
                double v = (y + 0.5) / h;
                boolean in = switch (shape) {
                    case 0 -> true;
                    case 1 -> (u - 0.5) * (u - 0.5) + (v - 0.5) * (v - 0.5) <= 0.25;
                    default -> Math.abs(u - 0.5) <= v / 2;
                };
                if (in) {
                    img.setRGB(x + 3, y + 3, 0xFF000000 | rgb);
                }
            }
        }
        try {
            Files.createDirectories(file.getParent());
            ImageIO.write(img, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the committed test photos (src/test/resources/data/photos) */
    static List<Path> photos() {
        List<Path> out = new ArrayList<>();
        for (String n : new String[] {"chelsea.png", "coffee.png", "dog.jpg", "grace_hopper.jpg", "rocket.jpg"}) {
            try {
                out.add(Path.of(StampFixtures.class.getResource("/data/photos/" + n).toURI()));
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }
}
