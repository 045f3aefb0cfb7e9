package org.hybridvision.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.SampleModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import org.hybridvision.HybridVisionException;

/**
 * Decodes image files (JPEG, PNG, BMP, GIF) with the JDK's {@link ImageIO} and converts them to 8-bit RGB.
 *
 * <p>Conversions follow Pillow's {@code Image.convert("RGB")}, which is what PyTorch data loaders apply, so that
 * pixels match a Python pipeline:
 * <ul>
 *   <li>grey (1 band, with or without alpha) is replicated to R, G and B; 16-bit samples keep their high byte;</li>
 *   <li>palette images (GIF, 8-bit PNG) take the palette colour; a transparent palette entry keeps its colour;</li>
 *   <li>alpha is <b>dropped</b> by default ({@link Alpha#DROP}, as Pillow does); {@link Alpha#WHITE} instead composites
 *       the image over a white background ({@code round(c*a/255 + 255*(1 - a/255))});</li>
 *   <li>sample values are taken as stored: embedded ICC profiles and PNG gamma are ignored, as Pillow ignores them
 *       (the JDK would otherwise convert ICC-tagged JPEGs to sRGB).</li>
 * </ul>
 * The EXIF orientation tag is not applied (Pillow does not apply it either unless asked). Known JDK limitation: its
 * GIF reader mis-decodes <i>interlaced</i> GIFs only 2 to 4 pixels high (rows come out shifted or black).
 *
 * <p>Errors are {@link HybridVisionException}s that name the file: a missing or empty file, a file that is no image
 * (for example text named {@code .jpg}), and damaged data. A truncated JPEG is an error even though ImageIO would
 * return the partly decoded picture with only a warning: any decoder warning is treated as corruption.
 *
 * <p>Thread-safe: every call uses its own reader.
 */
public final class Images {
    private Images() {
    }

    /** What to do with an alpha channel. */
    public enum Alpha {
        /** Ignore alpha and keep the stored colour (Pillow's {@code convert("RGB")}). */
        DROP,
        /** Composite over white. */
        WHITE
    }

    /**
     * Reads an image file as RGB, dropping any alpha channel.
     *
     * @param file a JPEG, PNG, BMP or GIF file (the content decides, not the extension)
     * @return the decoded 3-channel image
     * @throws HybridVisionException naming the file when it is missing, empty, not an image or damaged
     */
    public static ByteImage read(Path file) {
        return read(file, Alpha.DROP);
    }

    /**
     * Reads an image file as RGB.
     *
     * @param file a JPEG, PNG, BMP or GIF file
     * @param alpha what to do with transparency
     * @return the decoded 3-channel image
     * @throws HybridVisionException naming the file when it is missing, empty, not an image or damaged
     */
    public static ByteImage read(Path file, Alpha alpha) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new HybridVisionException("Image file " + file + " does not exist: check the path.", e);
        } catch (IOException e) {
            throw new HybridVisionException("Cannot read image file " + file + ": " + e.getMessage()
                    + ". Check that it is a readable file.", e);
        }
        return decode(bytes, file.toString(), alpha);
    }

    /**
     * Reads an image file as a {@link BufferedImage} of type {@code TYPE_3BYTE_BGR} (RGB content).
     *
     * @param file a JPEG, PNG, BMP or GIF file
     * @return the decoded image, converted as described in the class comment
     * @throws HybridVisionException naming the file when it is missing, empty, not an image or damaged
     */
    public static BufferedImage readBuffered(Path file) {
        return read(file).toBufferedImage();
    }

    /**
     * Decodes an encoded image held in memory.
     *
     * @param bytes the file content
     * @param name a name for error messages (usually the file name)
     * @param alpha what to do with transparency
     * @return the decoded 3-channel image
     * @throws HybridVisionException naming {@code name} when the bytes are empty, not an image or damaged
     */
    public static ByteImage decode(byte[] bytes, String name, Alpha alpha) {
        if (bytes.length == 0) {
            throw new HybridVisionException("Image file " + name + " is empty (0 bytes): it was probably not fully "
                    + "downloaded or copied. Replace or delete it.");
        }
        BufferedImage img = decodeBuffered(bytes, name);
        return fromBufferedImage(img, alpha);
    }

    private static BufferedImage decodeBuffered(byte[] bytes, String name) {
        List<String> warnings = new ArrayList<>();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new HybridVisionException("Image file " + name + " is not a JPEG, PNG, BMP or GIF image ("
                        + describeContent(bytes) + "). Replace or delete it.");
            }
            ImageReader reader = readers.next();
            try {
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                reader.setInput(in, true, true);
                BufferedImage img = reader.read(0, readParam(reader));
                if (!warnings.isEmpty()) {
                    String format = reader.getFormatName().toUpperCase(java.util.Locale.ROOT);
                    throw new HybridVisionException("Image file " + name + " is damaged (" + format + " decoder: "
                            + String.join("; ", warnings) + ")"
                            + (isTruncatedJpeg(bytes) ? ": the file is truncated (no end-of-image marker)" : "")
                            + ". Replace or delete it.");
                }
                return img;
            } finally {
                reader.dispose();
            }
        } catch (HybridVisionException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (e.getCause() != null && e.getCause().getMessage() != null) {
                why += " (" + e.getCause().getMessage() + ")";
            }
            String hint = isTruncatedJpeg(bytes) ? " The file is truncated (no JPEG end-of-image marker)." : "";
            if (why.contains("Unsupported Image Type")) {
                hint = " It is probably a CMYK or YCCK JPEG, which Java cannot decode: convert it to RGB.";
            }
            throw new HybridVisionException("Image file " + name + " could not be decoded: " + why + "." + hint
                    + " Replace or delete it.", e);
        }
    }

    /**
     * For a JPEG with an embedded ICC profile, the JDK's default output is converted from that profile to sRGB, while
     * Pillow (and so every PyTorch pipeline) returns the stored RGB values. Asking for the reader's RGB type in the
     * profile's own colour space skips the conversion and gives Pillow's pixels.
     */
    private static ImageReadParam readParam(ImageReader reader) throws IOException {
        ImageReadParam param = reader.getDefaultReadParam();
        if (!"jpeg".equalsIgnoreCase(reader.getFormatName())) {
            return param;
        }
        Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
        ImageTypeSpecifier first = null;
        ImageTypeSpecifier raw = null;
        while (types.hasNext()) {
            ImageTypeSpecifier t = types.next();
            if (first == null) {
                first = t;
            }
            ColorSpace cs = t.getColorModel().getColorSpace();
            if (raw == null && cs.getNumComponents() == 3 && !cs.isCS_sRGB()
                    && t.getBufferedImageType() == BufferedImage.TYPE_3BYTE_BGR) {
                raw = t;
            }
        }
        if (first != null && first.getColorModel().getColorSpace().isCS_sRGB() && raw != null) {
            param.setDestinationType(raw);
        }
        return param;
    }

    /** @return true when the bytes start like a JPEG but do not end with the EOI marker (FF D9), allowing padding */
    static boolean isTruncatedJpeg(byte[] b) {
        if (b.length < 3 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xFF) != 0xD8) {
            return false;
        }
        // some writers pad after EOI: look for FF D9 in the last 64 KiB (or the whole file)
        int end = b.length - 1;
        int start = Math.max(2, b.length - 65536);
        for (int i = end; i > start; i--) {
            if ((b[i] & 0xFF) == 0xD9 && (b[i - 1] & 0xFF) == 0xFF) {
                return false;
            }
        }
        return true;
    }

    private static String describeContent(byte[] b) {
        int n = Math.min(b.length, 64);
        int printable = 0;
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xFF;
            if (c == '\n' || c == '\r' || c == '\t' || (c >= 32 && c < 127)) {
                printable++;
            }
        }
        if (printable == n) {
            String head = new String(b, 0, Math.min(b.length, 24), StandardCharsets.US_ASCII).replaceAll("\\s+", " ")
                    .trim();
            return "it looks like text: \"" + head + (b.length > 24 ? "..." : "") + "\"";
        }
        StringBuilder sb = new StringBuilder("first bytes");
        for (int i = 0; i < Math.min(8, b.length); i++) {
            sb.append(String.format(" %02X", b[i] & 0xFF));
        }
        return sb.append(", ").append(b.length).append(" bytes").toString();
    }

    /**
     * Converts any decoded {@link BufferedImage} to 8-bit RGB as described in the class comment.
     *
     * @param img the decoded image
     * @param alpha what to do with transparency
     * @return a 3-channel image
     */
    public static ByteImage fromBufferedImage(BufferedImage img, Alpha alpha) {
        int w = img.getWidth();
        int h = img.getHeight();
        Raster raster = img.getRaster();
        SampleModel sm = raster.getSampleModel();
        int bands = raster.getNumBands();
        byte[] out = new byte[w * h * 3];
        boolean hasAlpha = img.getColorModel().hasAlpha();
        boolean composite = hasAlpha && alpha == Alpha.WHITE;

        if (img.getColorModel() instanceof ComponentColorModel && bands >= 1 && bands <= 4) {
            int colourBands = img.getColorModel().getNumColorComponents();
            if (colourBands != 1 && colourBands != 3) {
                return viaRgb(img, composite);
            }
            if (sm instanceof PixelInterleavedSampleModel && raster.getDataBuffer() instanceof DataBufferByte
                    && raster.getDataBuffer().getNumBanks() == 1 && raster.getSampleModelTranslateX() == 0
                    && raster.getSampleModelTranslateY() == 0) {
                fastInterleaved(raster, (PixelInterleavedSampleModel) sm, colourBands, composite, out, w, h);
                return new ByteImage(w, h, 3, out);
            }
            int shift = sm.getSampleSize(0) > 8 ? sm.getSampleSize(0) - 8 : 0;
            int[] row = new int[w * bands];
            for (int y = 0; y < h; y++) {
                raster.getPixels(0, y, w, 1, row);
                for (int x = 0; x < w; x++) {
                    int s = x * bands;
                    int r = row[s] >> shift;
                    int g = colourBands == 3 ? row[s + 1] >> shift : r;
                    int b = colourBands == 3 ? row[s + 2] >> shift : r;
                    if (composite) {
                        int a = row[s + colourBands] >> shift;
                        r = over(r, a);
                        g = over(g, a);
                        b = over(b, a);
                    }
                    int o = (y * w + x) * 3;
                    out[o] = (byte) r;
                    out[o + 1] = (byte) g;
                    out[o + 2] = (byte) b;
                }
            }
            return new ByteImage(w, h, 3, out);
        }
        // palette (IndexColorModel), packed ints (DirectColorModel) and anything unusual: Java2D converts to sRGB
        return viaRgb(img, composite);
    }

    /** getRGB path, one row at a time. */
    private static ByteImage viaRgb(BufferedImage img, boolean composite) {
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] out = new byte[w * h * 3];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int argb = row[x];
                int r = (argb >> 16) & 0xFF;
                int g = (argb >> 8) & 0xFF;
                int b = argb & 0xFF;
                if (composite) {
                    int a = argb >>> 24;
                    r = over(r, a);
                    g = over(g, a);
                    b = over(b, a);
                }
                int o = (y * w + x) * 3;
                out[o] = (byte) r;
                out[o + 1] = (byte) g;
                out[o + 2] = (byte) b;
            }
        }
        return new ByteImage(w, h, 3, out);
    }

    private static void fastInterleaved(Raster raster, PixelInterleavedSampleModel sm, int colourBands,
            boolean composite, byte[] out, int w, int h) {
        byte[] src = ((DataBufferByte) raster.getDataBuffer()).getData();
        int bufOffset = raster.getDataBuffer().getOffset();
        int stride = sm.getScanlineStride();
        int ps = sm.getPixelStride();
        int[] off = sm.getBandOffsets();
        int or = off[0];
        int og = colourBands == 3 ? off[1] : off[0];
        int ob = colourBands == 3 ? off[2] : off[0];
        int oa = composite ? off[colourBands] : 0;
        int o = 0;
        for (int y = 0; y < h; y++) {
            int p = bufOffset + y * stride;
            for (int x = 0; x < w; x++, p += ps, o += 3) {
                if (composite) {
                    int a = src[p + oa] & 0xFF;
                    out[o] = (byte) over(src[p + or] & 0xFF, a);
                    out[o + 1] = (byte) over(src[p + og] & 0xFF, a);
                    out[o + 2] = (byte) over(src[p + ob] & 0xFF, a);
                } else {
                    out[o] = src[p + or];
                    out[o + 1] = src[p + og];
                    out[o + 2] = src[p + ob];
                }
            }
        }
    }

    /** Composites colour c with alpha a over white, rounded. */
    private static int over(int c, int a) {
        return (c * a + 255 * (255 - a) + 127) / 255;
    }

    /**
     * Encodes an image to a file; the format comes from the extension ({@code png}, {@code jpg}/{@code jpeg},
     * {@code bmp}).
     *
     * @param image the image
     * @param file the destination
     * @throws HybridVisionException when the extension is unknown or the file cannot be written
     */
    public static void write(ByteImage image, Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        String format = name.endsWith(".png") ? "png"
                : name.endsWith(".jpg") || name.endsWith(".jpeg") ? "jpeg" : name.endsWith(".bmp") ? "bmp" : null;
        if (format == null) {
            throw new HybridVisionException("Cannot tell the image format of " + file
                    + " from its extension: use .png, .jpg or .bmp.");
        }
        try {
            if (!ImageIO.write(image.toBufferedImage(), format, file.toFile())) {
                throw new HybridVisionException("No ImageIO writer for " + format + " (writing " + file + ").");
            }
        } catch (IOException e) {
            throw new HybridVisionException("Cannot write image " + file + ": " + e.getMessage(), e);
        }
    }
}
