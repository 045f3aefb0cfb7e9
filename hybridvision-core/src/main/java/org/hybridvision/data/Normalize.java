package org.hybridvision.data;

/**
 * torchvision's {@code ToTensor()} followed by {@code Normalize(mean, std)}: 8-bit HWC pixels become float32 CHW values
 * {@code (v / 255f - mean[c]) / std[c]}, computed in float32 exactly as PyTorch does (so results are bit-identical for
 * identical pixels). A grey image is replicated to as many channels as the statistics have (Fashion-MNIST into an RGB
 * model).
 *
 * <p>Implemented with a 256-entry table per channel, so the hot loop is a lookup per sample.
 */
public final class Normalize {
    /** ImageNet channel means (RGB), the statistics all models here were trained with. */
    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    /** ImageNet channel standard deviations (RGB). */
    public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    private final float[] mean;
    private final float[] std;
    private final float[][] table;

    /**
     * @param mean per-channel mean (1 or 3 values)
     * @param std per-channel standard deviation, same length
     */
    public Normalize(float[] mean, float[] std) {
        if (mean.length != std.length || (mean.length != 1 && mean.length != 3)) {
            throw new IllegalArgumentException("mean and std must both have 1 or 3 values");
        }
        this.mean = mean.clone();
        this.std = std.clone();
        table = new float[mean.length][256];
        for (int c = 0; c < mean.length; c++) {
            if (!(std[c] > 0)) {
                throw new IllegalArgumentException("std must be positive, got " + std[c]);
            }
            for (int v = 0; v < 256; v++) {
                float x = v / 255f;
                table[c][v] = (x - mean[c]) / std[c];
            }
        }
    }

    /** @return normalisation with the ImageNet statistics */
    public static Normalize imagenet() {
        return new Normalize(IMAGENET_MEAN, IMAGENET_STD);
    }

    /** @return the number of output channels */
    public int channels() {
        return mean.length;
    }

    /** @return a copy of the means */
    public float[] mean() {
        return mean.clone();
    }

    /** @return a copy of the standard deviations */
    public float[] std() {
        return std.clone();
    }

    /**
     * The fill colour torchvision/timm use for geometric augmentation: {@code round(255 * mean)} per channel.
     *
     * @return the mean as 0..255 integers (Python round, half to even)
     */
    public int[] meanPixel() {
        int[] out = new int[mean.length];
        for (int c = 0; c < mean.length; c++) {
            out[c] = (int) Math.min(255, Math.rint(255.0 * mean[c]));
        }
        return out;
    }

    /**
     * Converts an image to a new float array, CHW order.
     *
     * @param image 1- or 3-channel image; grey is replicated when this normalisation has 3 channels
     * @return {@code channels() * H * W} floats
     */
    public float[] apply(ByteImage image) {
        float[] out = new float[channels() * image.width() * image.height()];
        apply(image, out, 0);
        return out;
    }

    /**
     * Converts an image into part of a larger array (e.g. one sample of a batch buffer).
     *
     * @param image 1- or 3-channel image
     * @param out destination
     * @param offset index in {@code out} of the first value
     */
    public void apply(ByteImage image, float[] out, int offset) {
        int cIn = image.channels();
        int cOut = channels();
        if (cIn == 3 && cOut == 1) {
            throw new org.hybridvision.HybridVisionException("A 1-channel normalisation got an RGB image: pass grey "
                    + "images or use 3-channel statistics.");
        }
        int plane = image.width() * image.height();
        byte[] d = image.data();
        for (int c = 0; c < cOut; c++) {
            float[] t = table[c];
            int o = offset + c * plane;
            int s = cIn == 1 ? 0 : c;
            for (int i = 0; i < plane; i++, s += cIn) {
                out[o + i] = t[d[s] & 0xFF];
            }
        }
    }

    /**
     * The inverse, for looking at a tensor: float CHW back to 8-bit (rounded, clamped).
     *
     * @param chw normalised values
     * @param width width
     * @param height height
     * @return the image
     */
    public ByteImage toImage(float[] chw, int width, int height) {
        int c = channels();
        int plane = width * height;
        byte[] out = new byte[plane * c];
        for (int k = 0; k < c; k++) {
            for (int i = 0; i < plane; i++) {
                double v = (chw[k * plane + i] * std[k] + mean[k]) * 255.0;
                out[i * c + k] = (byte) Math.max(0, Math.min(255, Math.round(v)));
            }
        }
        return new ByteImage(width, height, c, out);
    }
}
