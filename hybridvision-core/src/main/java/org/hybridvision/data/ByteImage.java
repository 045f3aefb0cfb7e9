package org.hybridvision.data;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.Arrays;

/**
 * An 8-bit image held as one {@code byte[]} in row-major, channel-interleaved (HWC) order, with 1 (grey) or 3 (RGB)
 * channels.
 *
 * <p>This is the working format of every transform in this package: a plain array that loops can read without a
 * virtual call per pixel (unlike {@link BufferedImage#getRGB(int, int)}). Sample values are unsigned: read them with
 * {@code data[i] & 0xFF}. Instances are treated as immutable by the transforms, which always return a new image (or
 * the same instance when nothing changes); {@link #data()} exposes the array without copying, so callers that modify
 * it own the consequences.
 */
public final class ByteImage {
    private final int width;
    private final int height;
    private final int channels;
    private final byte[] data;

    /**
     * Wraps an existing array (no copy).
     *
     * @param width width in pixels, at least 1
     * @param height height in pixels, at least 1
     * @param channels 1 (grey) or 3 (RGB)
     * @param data {@code width * height * channels} samples, HWC order
     */
    public ByteImage(int width, int height, int channels, byte[] data) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (data.length != (long) width * height * channels) {
            throw new IllegalArgumentException("data has " + data.length + " bytes, expected " + width + "*" + height
                    + "*" + channels);
        }
        this.width = width;
        this.height = height;
        this.channels = channels;
        this.data = data;
    }

    /**
     * A new image of the given size, zero-filled.
     *
     * @param width width in pixels
     * @param height height in pixels
     * @param channels 1 or 3
     * @return a black image
     */
    public static ByteImage blank(int width, int height, int channels) {
        return new ByteImage(width, height, channels, new byte[width * height * channels]);
    }

    /** @return width in pixels */
    public int width() {
        return width;
    }

    /** @return height in pixels */
    public int height() {
        return height;
    }

    /** @return 1 for grey, 3 for RGB */
    public int channels() {
        return channels;
    }

    /** @return the backing array (HWC, unsigned bytes), not a copy */
    public byte[] data() {
        return data;
    }

    /**
     * @param x column
     * @param y row
     * @param c channel
     * @return the sample at (x, y, c) as 0..255
     */
    public int get(int x, int y, int c) {
        return data[(y * width + x) * channels + c] & 0xFF;
    }

    /** @return a deep copy */
    public ByteImage copy() {
        return new ByteImage(width, height, channels, data.clone());
    }

    /** @return this image when it already has 3 channels, else a copy with the grey channel replicated to R, G, B */
    public ByteImage toRgb() {
        if (channels == 3) {
            return this;
        }
        int n = width * height;
        byte[] out = new byte[n * 3];
        for (int i = 0, o = 0; i < n; i++, o += 3) {
            byte v = data[i];
            out[o] = v;
            out[o + 1] = v;
            out[o + 2] = v;
        }
        return new ByteImage(width, height, 3, out);
    }

    /**
     * Luma as Pillow computes it for {@code convert("L")}: {@code (R*19595 + G*38470 + B*7471 + 0x8000) >> 16}.
     *
     * @return this image when it is already grey, else a new 1-channel image
     */
    public ByteImage toGrey() {
        if (channels == 1) {
            return this;
        }
        int n = width * height;
        byte[] out = new byte[n];
        for (int i = 0, s = 0; i < n; i++, s += 3) {
            out[i] = (byte) luma(data[s] & 0xFF, data[s + 1] & 0xFF, data[s + 2] & 0xFF);
        }
        return new ByteImage(width, height, 1, out);
    }

    /** Pillow's RGB to L conversion (ITU-R 601-2 luma, rounded). */
    static int luma(int r, int g, int b) {
        return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    }

    /**
     * Copies a rectangle that must lie inside the image.
     *
     * @param x left column
     * @param y top row
     * @param w width
     * @param h height
     * @return the cropped image (this instance when the rectangle is the whole image)
     */
    public ByteImage crop(int x, int y, int w, int h) {
        if (x < 0 || y < 0 || w < 1 || h < 1 || x + w > width || y + h > height) {
            throw new IllegalArgumentException("crop " + w + "x" + h + "+" + x + "+" + y + " outside " + width + "x"
                    + height + " image");
        }
        if (x == 0 && y == 0 && w == width && h == height) {
            return this;
        }
        byte[] out = new byte[w * h * channels];
        int rowBytes = w * channels;
        for (int r = 0; r < h; r++) {
            System.arraycopy(data, ((y + r) * width + x) * channels, out, r * rowBytes, rowBytes);
        }
        return new ByteImage(w, h, channels, out);
    }

    /**
     * Copies a rectangle that may extend past the image; outside pixels get {@code fill} in every channel (torchvision
     * pads with 0 when a centre crop is larger than the image).
     *
     * @param x left column (may be negative)
     * @param y top row (may be negative)
     * @param w width
     * @param h height
     * @param fill value 0..255 for pixels outside the image
     * @return the cropped image
     */
    public ByteImage cropOrPad(int x, int y, int w, int h, int fill) {
        if (x >= 0 && y >= 0 && x + w <= width && y + h <= height) {
            return crop(x, y, w, h);
        }
        byte[] out = new byte[w * h * channels];
        if (fill != 0) {
            Arrays.fill(out, (byte) fill);
        }
        int x0 = Math.max(0, x);
        int x1 = Math.min(width, x + w);
        int y0 = Math.max(0, y);
        int y1 = Math.min(height, y + h);
        if (x1 > x0) {
            for (int r = y0; r < y1; r++) {
                System.arraycopy(data, (r * width + x0) * channels, out, ((r - y) * w + (x0 - x)) * channels,
                        (x1 - x0) * channels);
            }
        }
        return new ByteImage(w, h, channels, out);
    }

    /** @return a left-right mirrored copy */
    public ByteImage flipHorizontal() {
        byte[] out = new byte[data.length];
        int c = channels;
        for (int r = 0; r < height; r++) {
            int row = r * width * c;
            for (int xx = 0; xx < width; xx++) {
                int src = row + xx * c;
                int dst = row + (width - 1 - xx) * c;
                for (int k = 0; k < c; k++) {
                    out[dst + k] = data[src + k];
                }
            }
        }
        return new ByteImage(width, height, c, out);
    }

    /**
     * Converts to a {@link BufferedImage} ({@code TYPE_3BYTE_BGR} for RGB, {@code TYPE_BYTE_GRAY} for grey), e.g. to
     * save it with {@link javax.imageio.ImageIO}.
     *
     * @return a new BufferedImage holding a copy of the pixels
     */
    public BufferedImage toBufferedImage() {
        if (channels == 1) {
            BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
            byte[] dst = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
            System.arraycopy(data, 0, dst, 0, data.length);
            return img;
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        byte[] dst = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < data.length; i += 3) {
            dst[i] = data[i + 2];
            dst[i + 1] = data[i + 1];
            dst[i + 2] = data[i];
        }
        return img;
    }

    /**
     * Converts a decoded image to RGB samples, as {@link Images#fromBufferedImage} does.
     *
     * @param image any BufferedImage
     * @return a 3-channel image
     */
    public static ByteImage fromBufferedImage(BufferedImage image) {
        return Images.fromBufferedImage(image, Images.Alpha.DROP);
    }

    @Override
    public String toString() {
        return "ByteImage[" + width + "x" + height + "x" + channels + "]";
    }
}
