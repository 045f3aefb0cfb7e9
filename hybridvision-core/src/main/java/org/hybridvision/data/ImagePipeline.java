package org.hybridvision.data;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A complete sample transform: 8-bit image steps, then {@link Normalize} to float32 CHW, then in-place tensor steps.
 * Both the evaluation transform ({@link EvalTransform}) and the training transform ({@link TrainTransform}) are
 * pipelines, so the training loop and inference share one code path.
 *
 * <p>Immutable and thread-safe; randomness comes only from the generator passed to {@link #apply}.
 */
public class ImagePipeline {
    private final List<ImageTransform> imageSteps;
    private final Normalize normalize;
    private final List<TensorTransform> tensorSteps;
    private final int outputSize;

    /**
     * @param imageSteps image steps in order; they must produce {@code outputSize x outputSize} images
     * @param normalize the conversion to float
     * @param tensorSteps steps on the normalised sample, in order
     * @param outputSize side of the square output
     */
    public ImagePipeline(List<ImageTransform> imageSteps, Normalize normalize, List<TensorTransform> tensorSteps,
            int outputSize) {
        this.imageSteps = List.copyOf(imageSteps);
        this.normalize = normalize;
        this.tensorSteps = List.copyOf(tensorSteps);
        this.outputSize = outputSize;
    }

    /** @return output shape {C, H, W} */
    public int[] outputShape() {
        return new int[] {normalize.channels(), outputSize, outputSize};
    }

    /** @return number of floats in one output sample */
    public int outputLength() {
        return normalize.channels() * outputSize * outputSize;
    }

    /** @return the normalisation used */
    public Normalize normalize() {
        return normalize;
    }

    /** @return the image steps, in order */
    public List<ImageTransform> imageSteps() {
        return imageSteps;
    }

    /**
     * Applies only the 8-bit steps (for viewing or saving what the model sees).
     *
     * @param image input image
     * @param random randomness for this sample
     * @return the image before normalisation
     */
    public ByteImage applyImageSteps(ByteImage image, RandomGenerator random) {
        for (ImageTransform t : imageSteps) {
            image = t.apply(image, random);
        }
        return image;
    }

    /**
     * @param image input image (1 or 3 channels)
     * @param random randomness for this sample (ignored by deterministic pipelines)
     * @return a new float32 CHW array of {@link #outputLength()} values
     */
    public float[] apply(ByteImage image, RandomGenerator random) {
        float[] out = new float[outputLength()];
        apply(image, random, out, 0);
        return out;
    }

    /**
     * Writes the sample into a batch buffer.
     *
     * @param image input image
     * @param random randomness for this sample
     * @param out destination, e.g. a {@code [B, C, H, W]} buffer
     * @param offset index of the first value ({@code b * outputLength()})
     */
    public void apply(ByteImage image, RandomGenerator random, float[] out, int offset) {
        ByteImage img = applyImageSteps(image, random);
        if (img.width() != outputSize || img.height() != outputSize) {
            throw new IllegalStateException("pipeline produced " + img.width() + "x" + img.height() + ", expected "
                    + outputSize + "x" + outputSize);
        }
        normalize.apply(img, out, offset);
        for (TensorTransform t : tensorSteps) {
            t.apply(out, offset, normalize.channels(), outputSize, outputSize, random);
        }
    }

    @Override
    public String toString() {
        List<Object> all = new ArrayList<>(imageSteps);
        all.add("Normalize");
        all.addAll(tensorSteps);
        return getClass().getSimpleName() + all;
    }
}
