package org.hybridvision.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.hybridvision.HybridVisionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImagesTest {
    @TempDir
    Path tmp;

    @Test
    void decodesCommittedPhotos() {
        ByteImage cat = Images.read(TestData.photo("chelsea.png"));
        assertEquals(451, cat.width());
        assertEquals(300, cat.height());
        assertEquals(3, cat.channels());
        ByteImage dog = Images.read(TestData.photo("dog.jpg"));
        assertEquals(768, dog.width());
        assertEquals(576, dog.height());
        BufferedImage b = Images.readBuffered(TestData.photo("rocket.jpg"));
        assertEquals(BufferedImage.TYPE_3BYTE_BGR, b.getType());
    }

    private static void assertNamesFile(HybridVisionException e, Path file, String reason) {
        assertTrue(e.getMessage().contains(file.toString()), () -> "message should name the file: " + e.getMessage());
        assertTrue(e.getMessage().toLowerCase().contains(reason), () -> "message should say '" + reason + "': "
                + e.getMessage());
    }

    @Test
    void truncatedJpegIsAnError() throws Exception {
        byte[] full = Files.readAllBytes(TestData.photo("dog.jpg"));
        Path cut = tmp.resolve("cut.jpg");
        Files.write(cut, java.util.Arrays.copyOf(full, full.length / 3));
        HybridVisionException e = assertThrows(HybridVisionException.class, () -> Images.read(cut));
        assertNamesFile(e, cut, "truncated");
    }

    @Test
    void textFileNamedJpgIsAnError() throws Exception {
        Path txt = tmp.resolve("notes.jpg");
        Files.writeString(txt, "this is not an image\n", StandardCharsets.UTF_8);
        HybridVisionException e = assertThrows(HybridVisionException.class, () -> Images.read(txt));
        assertNamesFile(e, txt, "text");
    }

    @Test
    void zeroByteFileIsAnError() throws Exception {
        Path empty = tmp.resolve("empty.png");
        Files.write(empty, new byte[0]);
        HybridVisionException e = assertThrows(HybridVisionException.class, () -> Images.read(empty));
        assertNamesFile(e, empty, "empty");
    }

    @Test
    void truncatedPngAndMissingFileAreErrors() throws Exception {
        byte[] full = Files.readAllBytes(TestData.photo("chelsea.png"));
        Path cut = tmp.resolve("cut.png");
        Files.write(cut, java.util.Arrays.copyOf(full, full.length / 2));
        assertNamesFile(assertThrows(HybridVisionException.class, () -> Images.read(cut)), cut, "decoded");
        Path missing = tmp.resolve("nope.png");
        assertNamesFile(assertThrows(HybridVisionException.class, () -> Images.read(missing)), missing,
                "does not exist");
    }

    @Test
    void greyPaletteAlphaAndBmpBecomeRgb() throws Exception {
        // grey PNG -> replicated
        BufferedImage grey = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(1, 0, 0, 77);
        grey.getRaster().setSample(2, 1, 0, 200);
        Path g = tmp.resolve("g.png");
        ImageIO.write(grey, "png", g.toFile());
        ByteImage gi = Images.read(g);
        assertEquals(3, gi.channels());
        assertEquals(77, gi.get(1, 0, 0));
        assertEquals(77, gi.get(1, 0, 2));
        assertEquals(200, gi.get(2, 1, 1));

        // palette GIF -> palette colours (at least 5 rows: the JDK's GIF reader mis-decodes interlaced GIFs of 2-4
        // rows, and its GIF writer interlaces)
        byte[] r = {(byte) 255, 0, 10};
        byte[] gr = {0, (byte) 255, 20};
        byte[] b = {0, 0, 30};
        BufferedImage pal = new BufferedImage(6, 5, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(2, 3, r, gr,
                b));
        pal.getRaster().setSample(0, 0, 0, 1);
        pal.getRaster().setSample(1, 1, 0, 2);
        Path gif = tmp.resolve("p.gif");
        ImageIO.write(pal, "gif", gif.toFile());
        ByteImage pi = Images.read(gif);
        assertArrayEquals(new int[] {0, 255, 0}, new int[] {pi.get(0, 0, 0), pi.get(0, 0, 1), pi.get(0, 0, 2)});
        assertArrayEquals(new int[] {10, 20, 30}, new int[] {pi.get(1, 1, 0), pi.get(1, 1, 1), pi.get(1, 1, 2)});
        assertArrayEquals(new int[] {255, 0, 0}, new int[] {pi.get(1, 0, 0), pi.get(1, 0, 1), pi.get(1, 0, 2)});

        // RGBA PNG: alpha dropped by default, composited on white on request
        BufferedImage rgba = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
        rgba.setRGB(0, 0, (0 << 24) | (10 << 16) | (20 << 8) | 30);
        Path a = tmp.resolve("a.png");
        ImageIO.write(rgba, "png", a.toFile());
        ByteImage dropped = Images.read(a);
        assertArrayEquals(new int[] {10, 20, 30}, new int[] {dropped.get(0, 0, 0), dropped.get(0, 0, 1),
            dropped.get(0, 0, 2)});
        ByteImage white = Images.read(a, Images.Alpha.WHITE);
        assertArrayEquals(new int[] {255, 255, 255}, new int[] {white.get(0, 0, 0), white.get(0, 0, 1),
            white.get(0, 0, 2)});

        // BMP round trip
        ByteImage pattern = TestData.pattern(5, 4, 1);
        Path bmp = tmp.resolve("x.bmp");
        Images.write(pattern, bmp);
        assertArrayEquals(pattern.data(), Images.read(bmp).data());
    }
}
