package org.hybridvision.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.hybridvision.data.ImageDataset;
import org.hybridvision.eval.ConfusionMatrix;
import org.hybridvision.inference.Prediction;
import org.hybridvision.layers.Module;
import org.hybridvision.models.ClassificationModel;

import java.util.List;

/**
 * The validation pass of a training run: top-1 / top-5 accuracy, mean cross-entropy and the confusion matrix of the
 * model in memory on already-batched tensors (evaluation mode: BatchNorm running statistics, no drop path). Conformer
 * is scored on the sum of its two heads, as the paper does. Ranking and the confusion matrix are those of
 * {@link org.hybridvision.eval.Evaluator} ({@link Prediction#rank}, {@link ConfusionMatrix}), which evaluates saved
 * models on image folders; this class adds the loss and skips decoding.
 */
public final class Evaluator {
    private Evaluator() {}

    /**
     * Evaluation figures.
     *
     * @param top1 fraction of images whose best class is right
     * @param top5 fraction whose right class is among the five best (top-k for fewer classes)
     * @param loss mean cross-entropy with hard labels
     * @param confusion counts of (true, predicted) pairs
     * @param images number of images
     */
    public record Result(double top1, double top5, double loss, ConfusionMatrix confusion, int images) {}

    /**
     * @param net the model
     * @param base manager under which each batch gets its own sub-manager
     * @param batches loader over the dataset with the evaluation transform
     * @param data the dataset (for its size)
     * @param shape {@code [C, H, W]} of one sample
     * @param classes the model's class names (index = class)
     */
    public static Result evaluate(ClassificationModel net, NDManager base, Batches batches, ImageDataset data,
                                  int[] shape, List<String> classes) {
        return evaluate((images, n) -> {
            try (NDManager step = base.newSubManager()) {
                NDArray x = step.create(images, new Shape(n, shape[0], shape[1], shape[2]));
                return net.forwardHeads(Module.Ctx.eval(step), x).logits().toFloatArray();
            }
        }, batches, data, classes);
    }

    /**
     * As {@link #evaluate(ClassificationModel, NDManager, Batches, ImageDataset, int[], List)} on the model of
     * {@code replicas}, each batch split over its replicas ({@link DataParallel#evalLogits}).
     */
    public static Result evaluate(DataParallel replicas, Batches batches, ImageDataset data, int[] shape,
                                  List<String> classes) {
        replicas.prepareEvaluation();
        return evaluate((images, n) -> replicas.evalLogits(images, n, shape), batches, data, classes);
    }

    /** Evaluation-mode logits ({@code n x classes}) of a batch of {@code n} normalised images. */
    private interface Logits {
        float[] of(float[] images, int n);
    }

    private static Result evaluate(Logits model, Batches batches, ImageDataset data, List<String> classes) {
        int numClasses = classes.size();
        int n = data.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        ConfusionMatrix confusion = new ConfusionMatrix(classes);
        long right = 0;
        long right5 = 0;
        double lossSum = 0;
        int k = Math.min(5, numClasses);
        for (Batches.Batch b : batches.epoch(order, 0, false, 0, 0)) {
            float[] l = model.of(b.images(), b.n());
            for (int i = 0; i < b.n(); i++) {
                int y = b.labels()[i];
                int off = i * numClasses;
                int r = Prediction.rank(l, off, numClasses, y);
                confusion.add(y, Prediction.topK(l, off, numClasses, 1)[0]);
                right += r == 0 ? 1 : 0;
                right5 += r < k ? 1 : 0;
                // cross-entropy: log-sum-exp minus the true logit
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < numClasses; c++) {
                    max = Math.max(max, l[off + c]);
                }
                double sum = 0;
                for (int c = 0; c < numClasses; c++) {
                    sum += Math.exp(l[off + c] - max);
                }
                lossSum += max + Math.log(sum) - l[off + y];
            }
        }
        return new Result((double) right / n, (double) right5 / n, lossSum / n, confusion, n);
    }
}
