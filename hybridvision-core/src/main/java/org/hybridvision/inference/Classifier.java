package org.hybridvision.inference;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.hybridvision.HybridVisionException;
import org.hybridvision.checkpoint.Checkpoints;
import org.hybridvision.data.ByteImage;
import org.hybridvision.data.EvalTransform;
import org.hybridvision.data.Images;
import org.hybridvision.layers.Module;
import org.hybridvision.models.ClassificationModel;
import org.hybridvision.models.LoadedModel;
import org.hybridvision.models.ModelSpec;
import org.hybridvision.models.Models;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Java front door for image classification: a model, its weights, its evaluation transform and its class names.
 *
 * <pre>{@code
 * try (Classifier c = Classifier.open("conformer_small_patch16", Path.of("Conformer_small_patch16.pth"))) {
 *     Prediction p = c.predict(Path.of("dog.jpg"));           // top-5
 *     System.out.println(p.best().name() + " " + p.best().probability());
 * }
 * }</pre>
 *
 * <p>Preprocessing is the official evaluation transform of the variant ({@link EvalTransform}: shorter side resized to
 * {@code floor(input / cropPct)} with PIL-compatible bicubic interpolation, centre crop, ImageNet mean/std), so a
 * Java caller, the {@code predict} command and {@link BatchPredictor} get identical results. Class names come from
 * the checkpoint's metadata when it was trained by this project, else ImageNet-1k names for 1000 classes, else
 * {@code class_i} (see {@link ClassNames}).
 *
 * <p>Thread-safe: several threads may call {@code predict} at once. Close it to free the model's native memory.
 */
public final class Classifier implements AutoCloseable {
    /** Default number of classes returned by {@code predict}. */
    public static final int DEFAULT_TOP_K = 5;

    private final LoadedModel model;
    private final List<String> classNames;
    private final EvalTransform transform;
    private final int inputSize;
    private final boolean randomWeights;

    /**
     * @param model the model (owned by this classifier from now on: closing the classifier closes it)
     * @param classNames one name per output, or null for the default naming
     * @param inputSize the square input side the transform produces (usually {@code model.spec().inputSize()})
     * @param randomWeights whether the model has only its random initialisation (reported to users)
     */
    public Classifier(LoadedModel model, List<String> classNames, int inputSize, boolean randomWeights) {
        this.model = model;
        int n = model.net().numClasses();
        this.classNames = ClassNames.resolve(classNames, n);
        ModelSpec spec = model.spec();
        model.net().checkInputSize(inputSize, inputSize);
        this.inputSize = inputSize;
        this.transform = ImageClassifierTranslator.evalTransform(spec, inputSize);
        this.randomWeights = randomWeights;
    }

    /**
     * Builds a registered variant and loads its weights.
     *
     * @param name registry name, e.g. {@code conformer_tiny_patch16}
     * @param weights a {@code .pth} (official) or {@code .safetensors} (this project) file, or null for random
     *     weights (there are no downloadable pretrained weights; predictions are then meaningless)
     * @return the classifier
     * @throws HybridVisionException for an unknown name, a missing file, or weights that do not fit the model
     */
    public static Classifier open(String name, Path weights) {
        ModelSpec spec = Models.spec(name);
        if (weights == null) {
            return new Classifier(Models.create(name), null, spec.inputSize(), true);
        }
        if (!Files.isRegularFile(weights)) {
            throw new HybridVisionException("weights file " + weights + " does not exist (or is not a file): check "
                    + "the path.");
        }
        Map<String, String> meta = Checkpoints.readMetadata(weights);
        String trainedFor = meta.get(Checkpoints.META_MODEL);
        if (trainedFor != null && !trainedFor.equals(name)) {
            throw new HybridVisionException("weights file " + weights + " was saved from model '" + trainedFor
                    + "', not '" + name + "': use --model " + trainedFor + ".");
        }
        int numClasses = spec.numClasses();
        String n = meta.get(Checkpoints.META_NUM_CLASSES);
        if (n != null) {
            try {
                numClasses = Integer.parseInt(n.trim());
            } catch (NumberFormatException e) {
                throw new HybridVisionException("weights file " + weights + " has a bad num_classes entry '" + n
                        + "' in its metadata: re-export it.");
            }
        }
        LoadedModel m = Models.create(name, numClasses);
        try {
            Checkpoints.loadWeights(m, weights, true);
            return new Classifier(m, Checkpoints.classNames(meta), spec.inputSize(), false);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** @return the model */
    public LoadedModel model() {
        return model;
    }

    /** @return the registry entry */
    public ModelSpec spec() {
        return model.spec();
    }

    /** @return one name per output, in index order */
    public List<String> classNames() {
        return classNames;
    }

    /** @return the number of outputs */
    public int numClasses() {
        return classNames.size();
    }

    /** @return the evaluation transform applied to every image */
    public EvalTransform transform() {
        return transform;
    }

    /** @return the square input side */
    public int inputSize() {
        return inputSize;
    }

    /** @return true when no weights were loaded (random initialisation) */
    public boolean randomWeights() {
        return randomWeights;
    }

    /**
     * Names of the logits returned by {@link #forward}: each head of a multi-head model and then {@code sum} (the
     * prediction, the sum of the heads: {@code conv, trans, sum} for Conformer), or just {@code logits} for one-head
     * models (CMT).
     *
     * @return the names, prediction last
     */
    public List<String> outputNames() {
        List<String> out = new ArrayList<>();
        if (model.net() instanceof org.hybridvision.models.Conformer) {
            out.add("conv");
            out.add("trans");
            out.add("sum");
        } else {
            out.add("logits");
        }
        return out;
    }

    /**
     * Runs the model on {@code n} preprocessed images in one batch.
     *
     * @param nchw at least {@code n * 3 * H * W} normalised values, image after image
     * @param n number of images
     * @param height image height
     * @param width image width
     * @return logits {@code [n * numClasses]} by output name ({@link #outputNames()} order, prediction last)
     * @throws HybridVisionException when the size is not supported by the model
     */
    public Map<String, float[]> forward(float[] nchw, int n, int height, int width) {
        model.net().checkInputSize(height, width);
        int len = 3 * height * width;
        float[] data = nchw.length == n * len ? nchw : Arrays.copyOf(nchw, n * len);
        try (NDManager batch = model.manager().newSubManager()) {
            NDArray x = batch.create(data, new Shape(n, 3, height, width));
            return run(x);
        }
    }

    /**
     * Runs the model on a batch tensor (already normalised). The caller owns {@code x}; temporaries are freed with
     * {@code x}'s manager.
     *
     * @param x {@code [B, 3, H, W]} float32
     * @return logits by output name ({@link #outputNames()} order, prediction last)
     */
    public Map<String, float[]> run(NDArray x) {
        ClassificationModel net = model.net();
        long[] s = x.getShape().getShape();
        if (s.length != 4 || s[1] != 3) {
            throw new HybridVisionException("expected an image batch of shape [N, 3, H, W], got " + x.getShape()
                    + ": store images as float32 NCHW, normalised.");
        }
        net.checkInputSize(s[2], s[3]);
        ClassificationModel.Output out = net.forwardHeads(Module.Ctx.eval(model.manager()), x);
        Map<String, float[]> result = new LinkedHashMap<>();
        if (out.heads().size() > 1) {
            for (Map.Entry<String, NDArray> e : out.heads().entrySet()) {
                result.put(e.getKey(), e.getValue().toFloatArray());
            }
            result.put("sum", out.logits().toFloatArray());
        } else {
            result.put("logits", out.logits().toFloatArray());
        }
        return result;
    }

    /**
     * Applies the evaluation transform.
     *
     * @param image decoded RGB (or grey) image
     * @return float32 CHW, {@code 3 x inputSize x inputSize}
     */
    public float[] preprocess(ByteImage image) {
        return transform.apply(image);
    }

    /**
     * @param image any decoded image (alpha is dropped, as Pillow's {@code convert("RGB")})
     * @return the top-5 classes
     */
    public Prediction predict(BufferedImage image) {
        return predict(image, DEFAULT_TOP_K);
    }

    /**
     * @param image any decoded image (alpha is dropped)
     * @param k how many classes to return
     * @return the top-k classes
     */
    public Prediction predict(BufferedImage image, int k) {
        return predict("image", Images.fromBufferedImage(image, Images.Alpha.DROP), k);
    }

    /**
     * @param file a JPEG, PNG, BMP or GIF file
     * @return the top-5 classes
     * @throws HybridVisionException naming the file when it is missing, not an image, or damaged
     */
    public Prediction predict(Path file) {
        return predict(file, DEFAULT_TOP_K);
    }

    /**
     * @param file a JPEG, PNG, BMP or GIF file
     * @param k how many classes to return
     * @return the top-k classes
     * @throws HybridVisionException naming the file when it is missing, not an image, or damaged
     */
    public Prediction predict(Path file, int k) {
        return predict(file.toString(), Images.read(file), k);
    }

    /**
     * @param name a name for the result
     * @param image a decoded image
     * @param k how many classes to return
     * @return the top-k classes
     */
    public Prediction predict(String name, ByteImage image, int k) {
        Map<String, float[]> out = forward(preprocess(image), 1, inputSize, inputSize);
        return Prediction.fromLogits(name, last(out), 0, numClasses(), k, classNames);
    }

    /**
     * A DJL predictor using {@link ImageClassifierTranslator} with this classifier's transform and class names, for
     * callers who work with DJL's API ({@code predictor.predict(img)}, {@code batchPredict(list)}). Close it after
     * use; it is not thread-safe.
     *
     * @return a new predictor
     */
    public Predictor<BufferedImage, Classifications> newPredictor() {
        return model.djlModel().newPredictor(ImageClassifierTranslator.forBufferedImage(transform, classNames));
    }

    /** @return the prediction logits (the last entry) of a {@link #forward} result */
    static float[] last(Map<String, float[]> out) {
        float[] v = null;
        for (float[] a : out.values()) {
            v = a;
        }
        return v;
    }

    @Override
    public void close() {
        model.close();
    }
}
