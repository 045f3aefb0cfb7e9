package org.hybridvision.detection.coco.synthetic;

import org.hybridvision.HybridVisionException;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The cut-outs to paste, decoded once: each stamp cropped to the extent of its opaque pixels, with its colour
 * premultiplied by alpha (what resampling and compositing need) and its alpha channel.
 *
 * <p>Immutable after loading; shared by the threads that compose scenes.
 */
final class StampLibrary {

    /** Alpha at or above this is object (the instance mask); below, it only blends. */
    static final int MASK_ALPHA = 128;

    /** One cut-out. */
    record Stamp(int category, String file, int width, int height, byte[] premultipliedRgb, byte[] alpha) {
    }

    private final List<List<Stamp>> byCategory;

    private StampLibrary(List<List<Stamp>> byCategory) {
        this.byCategory = byCategory;
    }

    /**
     * @param root the stamps folder
     * @param categories the categories and their stamp files
     * @return the decoded stamps
     * @throws HybridVisionException naming the stamp when a file is missing, unreadable or has no opaque pixel
     */
    static StampLibrary load(Path root, List<StampCategory> categories) {
        List<List<Stamp>> all = new ArrayList<>();
        for (int c = 0; c < categories.size(); c++) {
            List<Stamp> stamps = new ArrayList<>();
            for (String file : categories.get(c).stamps()) {
                stamps.add(read(root, file, c));
            }
            all.add(List.copyOf(stamps));
        }
        return new StampLibrary(List.copyOf(all));
    }

    private static Stamp read(Path root, String file, int category) {
        Path p = root.resolve(file);
        BufferedImage img;
        try {
            img = Files.isRegularFile(p) ? ImageIO.read(p.toFile()) : null;
        } catch (IOException e) {
            throw new HybridVisionException("Cannot read stamp " + p + ": " + e.getMessage()
                    + ". Reinstall tuxpaint-stamps-default or pass another --stamps folder.", e);
        }
        if (img == null) {
            throw new HybridVisionException("Stamp " + p + " is missing or not an image: the stamps folder " + root
                    + " is not a complete tuxpaint-stamps-default (2022.06.04). Reinstall the package "
                    + "('apt-get install --reinstall tuxpaint-stamps-default') or pass another --stamps folder.");
        }
        int w = img.getWidth();
        int h = img.getHeight();
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        int x1 = w;
        int y1 = h;
        int x2 = -1;
        int y2 = -1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if ((argb[y * w + x] >>> 24) >= MASK_ALPHA) {
                    x1 = Math.min(x1, x);
                    x2 = Math.max(x2, x);
                    y1 = Math.min(y1, y);
                    y2 = Math.max(y2, y);
                }
            }
        }
        if (x2 < 0) {
            throw new HybridVisionException("Stamp " + p + " has no opaque pixel: it cannot give an instance mask.");
        }
        // keep one pixel of soft edge around the opaque extent where there is one
        x1 = Math.max(0, x1 - 1);
        y1 = Math.max(0, y1 - 1);
        x2 = Math.min(w - 1, x2 + 1);
        y2 = Math.min(h - 1, y2 + 1);
        int cw = x2 - x1 + 1;
        int ch = y2 - y1 + 1;
        byte[] rgb = new byte[cw * ch * 3];
        byte[] alpha = new byte[cw * ch];
        for (int y = 0; y < ch; y++) {
            for (int x = 0; x < cw; x++) {
                int v = argb[(y + y1) * w + x + x1];
                int a = v >>> 24;
                int i = y * cw + x;
                alpha[i] = (byte) a;
                rgb[3 * i] = (byte) premultiply((v >> 16) & 0xFF, a);
                rgb[3 * i + 1] = (byte) premultiply((v >> 8) & 0xFF, a);
                rgb[3 * i + 2] = (byte) premultiply(v & 0xFF, a);
            }
        }
        return new Stamp(category, file, cw, ch, rgb, alpha);
    }

    private static int premultiply(int c, int a) {
        return (c * a + 127) / 255;
    }

    /** @return the number of categories */
    int categories() {
        return byCategory.size();
    }

    /**
     * @param category a category index
     * @return its stamps
     */
    List<Stamp> of(int category) {
        return byCategory.get(category);
    }
}
