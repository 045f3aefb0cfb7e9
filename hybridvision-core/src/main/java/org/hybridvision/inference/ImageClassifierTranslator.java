package org.hybridvision.inference;

import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import org.hybridvision.data.ByteImage;
import org.hybridvision.data.EvalTransform;
import org.hybridvision.data.ImagePipeline;
import org.hybridvision.data.Images;
import org.hybridvision.data.Interpolation;
import org.hybridvision.data.Normalize;
import org.hybridvision.models.ModelSpec;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * DJL {@link Translator} for the models of this library: decodes the input to 8-bit RGB, applies the variant's
 * evaluation transform (an {@link ImagePipeline}, normally {@code org.hybridvision.data.EvalTransform}), runs the model,
 * and turns the prediction logits (for Conformer the sum of both heads) into softmax {@link Classifications}.
 *
 * <pre>{@code
 * try (Classifier c = Classifier.open("cmt_s", weights);
 *      Predictor<BufferedImage, Classifications> p = c.newPredictor()) {
 *     Classifications top = p.predict(ImageIO.read(file));
 * }
 * }</pre>
 *
 * <p>Inputs are stacked into batches ({@link Batchifier#STACK}), so {@code batchPredict} works. The same transform and
 * softmax as {@link Classifier#predict(BufferedImage)} are used, so both give the same probabilities.
 *
 * @param <I> the input type: {@link BufferedImage}, DJL {@link Image}, {@link Path} or {@link ByteImage}
 */
public final class ImageClassifierTranslator<I> implements Translator<I, Classifications> {
    private final Function<I, ByteImage> decoder;
    private final ImagePipeline transform;
    private final List<String> classNames;

    private ImageClassifierTranslator(Function<I, ByteImage> decoder, ImagePipeline transform,
                                      List<String> classNames) {
        this.decoder = decoder;
        this.transform = transform;
        this.classNames = List.copyOf(classNames);
    }

    /**
     * The official evaluation transform of a variant: shorter side resized to {@code floor(inputSize / cropPct)}
     * (PIL-compatible bicubic), centre crop {@code inputSize}, normalisation with the spec's mean and std.
     *
     * @param spec the registry entry
     * @param inputSize the square input side (usually {@code spec.inputSize()})
     * @return the transform
     */
    public static EvalTransform evalTransform(ModelSpec spec, int inputSize) {
        return EvalTransform.forInput(inputSize, spec.cropPct(), Interpolation.BICUBIC,
                new Normalize(spec.mean(), spec.std()));
    }

    /**
     * @param spec the registry entry (input size, crop fraction, mean, std)
     * @param classNames one name per output
     * @return a translator for {@link BufferedImage}s with the variant's default evaluation transform
     */
    public static ImageClassifierTranslator<BufferedImage> forSpec(ModelSpec spec, List<String> classNames) {
        return forBufferedImage(evalTransform(spec, spec.inputSize()), classNames);
    }

    /**
     * @param transform the evaluation transform
     * @param classNames one name per output
     * @return a translator for {@link BufferedImage}s (alpha dropped, as Pillow's {@code convert("RGB")})
     */
    public static ImageClassifierTranslator<BufferedImage> forBufferedImage(ImagePipeline transform,
                                                                             List<String> classNames) {
        return new ImageClassifierTranslator<>(img -> Images.fromBufferedImage(img, Images.Alpha.DROP), transform,
                classNames);
    }

    /**
     * @param transform the evaluation transform
     * @param classNames one name per output
     * @return a translator for DJL {@link Image}s (those of DJL's default, {@link BufferedImage}-based factory)
     */
    public static ImageClassifierTranslator<Image> forDjlImage(ImagePipeline transform, List<String> classNames) {
        return new ImageClassifierTranslator<>(img -> {
            Object wrapped = img.getWrappedImage();
            if (!(wrapped instanceof BufferedImage)) {
                throw new org.hybridvision.HybridVisionException("this translator needs DJL images backed by "
                        + "java.awt.image.BufferedImage (DJL's default ImageFactory), got "
                        + wrapped.getClass().getName());
            }
            return Images.fromBufferedImage((BufferedImage) wrapped, Images.Alpha.DROP);
        }, transform, classNames);
    }

    /**
     * @param transform the evaluation transform
     * @param classNames one name per output
     * @return a translator for image files (errors name the file)
     */
    public static ImageClassifierTranslator<Path> forFile(ImagePipeline transform, List<String> classNames) {
        return new ImageClassifierTranslator<>(Images::read, transform, classNames);
    }

    /**
     * @param transform the evaluation transform
     * @param classNames one name per output
     * @return a translator for already decoded {@link ByteImage}s
     */
    public static ImageClassifierTranslator<ByteImage> forByteImage(ImagePipeline transform,
                                                                     List<String> classNames) {
        return new ImageClassifierTranslator<>(Function.identity(), transform, classNames);
    }

    /** @return the transform applied to every input */
    public ImagePipeline transform() {
        return transform;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, I input) {
        float[] chw = transform.apply(decoder.apply(input), null);
        int[] s = transform.outputShape();
        return new NDList(ctx.getNDManager().create(chw, new Shape(s[0], s[1], s[2])));
    }

    @Override
    public Classifications processOutput(TranslatorContext ctx, NDList list) {
        // the model returns [logits, head...]; "logits" is the prediction (Conformer: conv + trans)
        NDArray logits = list.get(0);
        float[] v = logits.toFloatArray();
        double[] p = Prediction.softmax(v, 0, v.length);
        List<Double> probs = new ArrayList<>(p.length);
        for (double x : p) {
            probs.add(x);
        }
        if (v.length != classNames.size()) {
            throw new IllegalStateException("model has " + v.length + " outputs but " + classNames.size()
                    + " class names were given");
        }
        return new Classifications(classNames, probs);
    }

    @Override
    public Batchifier getBatchifier() {
        return Batchifier.STACK;
    }
}
