package org.hybridvision.data;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The evaluation transform of the reference code (timm / DeiT {@code build_transform(is_train=False)}): resize the
 * shorter side to {@code floor(inputSize / cropPct)} with PIL-compatible bicubic resampling, centre-crop
 * {@code inputSize}, ToTensor, Normalize with ImageNet statistics. With the default {@code cropPct} 0.875 this is
 * 256 &rarr; 224 (and 182 &rarr; 160, 219 &rarr; 192, 292 &rarr; 256 for the CMT resolutions).
 *
 * <p>Grey images (Fashion-MNIST) are replicated to 3 channels. The output matches torchvision's on the same decoded
 * pixels exactly; see docs/transforms.md for the measured agreement.
 */
public final class EvalTransform extends ImagePipeline {
    /** The crop fraction used by the reference models: 224/256. */
    public static final float DEFAULT_CROP_PCT = 0.875f;

    private final int resizeSize;

    private EvalTransform(int inputSize, int resizeSize, Interpolation interpolation, Normalize normalize) {
        super(List.of(Resize.shorterSide(resizeSize, interpolation), CenterCrop.square(inputSize)), normalize,
                List.of(), inputSize);
        this.resizeSize = resizeSize;
    }

    /**
     * @param inputSize the model's input resolution
     * @return the standard transform (crop fraction 0.875, bicubic, ImageNet statistics)
     */
    public static EvalTransform forInput(int inputSize) {
        return forInput(inputSize, DEFAULT_CROP_PCT);
    }

    /**
     * @param inputSize the model's input resolution
     * @param cropPct the fraction of the resized image kept by the centre crop, in (0, 1]
     * @return the transform (bicubic, ImageNet statistics)
     */
    public static EvalTransform forInput(int inputSize, float cropPct) {
        return forInput(inputSize, cropPct, Interpolation.BICUBIC, Normalize.imagenet());
    }

    /**
     * @param inputSize the model's input resolution
     * @param cropPct the fraction of the resized image kept by the centre crop, usually in (0, 1]; above 1 the resized
     *     image is smaller than the input and the crop pads it with zeros (torchvision's CenterCrop behaviour), which
     *     centres small images (e.g. 28x28 resized to 44 in a 48x48 input)
     * @param interpolation the resize filter
     * @param normalize the normalisation
     * @return the transform
     */
    public static EvalTransform forInput(int inputSize, float cropPct, Interpolation interpolation,
            Normalize normalize) {
        if (inputSize < 1) {
            throw new IllegalArgumentException("input size must be positive, got " + inputSize);
        }
        if (!(cropPct > 0f) || resizeSize(inputSize, cropPct) < 1) {
            throw new org.hybridvision.HybridVisionException("crop fraction must be positive and leave at least one "
                    + "pixel after resizing, got " + cropPct);
        }
        return new EvalTransform(inputSize, resizeSize(inputSize, cropPct), interpolation, normalize);
    }

    /**
     * {@code floor(inputSize / cropPct)}, computed from the decimal value of {@code cropPct} (so 0.85f means 0.85, not
     * 0.85000002, and 255 / 0.85 gives 300, as in Python).
     *
     * @param inputSize the crop size
     * @param cropPct the crop fraction
     * @return the size of the shorter side before cropping
     */
    public static int resizeSize(int inputSize, float cropPct) {
        double pct = Double.parseDouble(Float.toString(cropPct));
        return (int) Math.floor(inputSize / pct);
    }

    /** @return the shorter side after resizing, before the crop */
    public int resizeSize() {
        return resizeSize;
    }

    /**
     * Deterministic convenience overload.
     *
     * @param image input image
     * @return float32 CHW
     */
    public float[] apply(ByteImage image) {
        return apply(image, (RandomGenerator) null);
    }
}
