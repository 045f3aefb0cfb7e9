package org.hybridvision.data;

import java.util.random.RandomGenerator;

/**
 * torchvision's {@code CenterCrop}: the crop's top-left corner is {@code int(round((H - h) / 2.0))},
 * {@code int(round((W - w) / 2.0))} with Python's round-half-to-even; a crop larger than the image is padded with
 * zeros first (left/top padding {@code (w - W) // 2}, as torchvision does).
 */
public final class CenterCrop implements ImageTransform {
    private final int width;
    private final int height;

    /**
     * @param width crop width
     * @param height crop height
     */
    public CenterCrop(int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("crop size must be positive, got " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
    }

    /**
     * @param size side of the square crop
     * @return a square centre crop
     */
    public static CenterCrop square(int size) {
        return new CenterCrop(size, size);
    }

    @Override
    public ByteImage apply(ByteImage image, RandomGenerator random) {
        return crop(image, width, height);
    }

    /**
     * @param image the image
     * @param w crop width
     * @param h crop height
     * @return the centre crop
     */
    public static ByteImage crop(ByteImage image, int w, int h) {
        int iw = image.width();
        int ih = image.height();
        if (w > iw || h > ih) {
            // torchvision pads (left = (w - W) // 2, top = (h - H) // 2) with 0, then crops the padded image
            int padLeft = w > iw ? (w - iw) / 2 : 0;
            int padTop = h > ih ? (h - ih) / 2 : 0;
            int padRight = w > iw ? (w - iw + 1) / 2 : 0;
            int padBottom = h > ih ? (h - ih + 1) / 2 : 0;
            int pw = iw + padLeft + padRight;
            int ph = ih + padTop + padBottom;
            image = image.cropOrPad(-padLeft, -padTop, pw, ph, 0);
            iw = pw;
            ih = ph;
            if (iw == w && ih == h) {
                return image;
            }
        }
        int top = (int) Math.rint((ih - h) / 2.0);
        int left = (int) Math.rint((iw - w) / 2.0);
        return image.crop(left, top, w, h);
    }

    @Override
    public String toString() {
        return "CenterCrop(" + width + "x" + height + ")";
    }
}
