package org.hybridvision.inference;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Generates test images with java.awt, and the damaged files of the acceptance tests. */
public final class TestImages {
    private TestImages() {}

    /** A picture with a few random shapes, deterministic in {@code seed}. */
    public static BufferedImage picture(int w, int h, long seed) {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
        g.fillRect(0, 0, w, h);
        for (int i = 0; i < 6; i++) {
            g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
            g.fillOval(r.nextInt(w), r.nextInt(h), 5 + r.nextInt(w / 2), 5 + r.nextInt(h / 2));
        }
        g.dispose();
        return img;
    }

    /** One colour everywhere. */
    public static BufferedImage solid(int w, int h, int r, int g, int b) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D gr = img.createGraphics();
        gr.setColor(new Color(r, g, b));
        gr.fillRect(0, 0, w, h);
        gr.dispose();
        return img;
    }

    /** Writes an image; the format comes from the extension (png, jpg, bmp, gif). */
    public static Path write(BufferedImage img, Path file) {
        String n = file.getFileName().toString();
        String fmt = n.substring(n.lastIndexOf('.') + 1).replace("jpg", "jpeg");
        try {
            Files.createDirectories(file.getParent());
            if (!ImageIO.write(img, fmt, file.toFile())) {
                throw new IllegalStateException("no writer for " + fmt);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /**
     * Fills {@code dir} with good images (JPEG, PNG, BMP, GIF) and the three bad files of the acceptance test: a
     * truncated JPEG, a text file named .jpg and a zero-byte file.
     *
     * @return the names of the bad files
     */
    public static String[] goodAndBadFolder(Path dir) throws IOException {
        write(picture(90, 70, 1), dir.resolve("a_good.jpg"));
        write(picture(64, 80, 2), dir.resolve("b_good.png"));
        write(picture(70, 70, 3), dir.resolve("c_good.bmp"));
        write(picture(100, 64, 4), dir.resolve("d_good.gif"));
        Path full = write(picture(120, 90, 5), dir.resolve("full.jpg"));
        byte[] bytes = Files.readAllBytes(full);
        Files.delete(full);
        Files.write(dir.resolve("e_truncated.jpg"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        Files.writeString(dir.resolve("f_text.jpg"), "this is not a picture\n");
        Files.write(dir.resolve("g_empty.png"), new byte[0]);
        return new String[] {"e_truncated.jpg", "f_text.jpg", "g_empty.png"};
    }
}
