package org.hybridvision.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.hybridvision.data.ImageDataset;
import org.hybridvision.layers.Module;
import org.hybridvision.models.ClassificationModel;

/**
 * Top-1 / top-5 accuracy, mean cross-entropy and the confusion matrix of a model on a dataset (evaluation mode:
 * BatchNorm running statistics, no drop path). Conformer is scored on the sum of its two heads, as the paper does.
 */
public final class Evaluator {
    private Evaluator() {}

    /**
     * Evaluation figures.
     *
     * @param top1 fraction of images whose best class is right
     * @param top5 fraction whose right class is among the five best (top-k for fewer classes)
     * @param loss mean cross-entropy with hard labels
     * @param confusion {@code confusion[true][predicted]} counts
     * @param images number of images
     */
    public record Result(double top1, double top5, double loss, int[][] confusion, int images) {}

    /**
     * @param net the model
     * @param base manager under which each batch gets its own sub-manager
     * @param batches loader over the dataset with the evaluation transform
     * @param data the dataset (for its size and class count)
     * @param shape {@code [C, H, W]} of one sample
     * @param numClasses classes of the model
     */
    public static Result evaluate(ClassificationModel net, NDManager base, Batches batches, ImageDataset data,
                                  int[] shape, int numClasses) {
        int n = data.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int[][] confusion = new int[numClasses][numClasses];
        long right = 0;
        long right5 = 0;
        double lossSum = 0;
        int k = Math.min(5, numClasses);
        for (Batches.Batch b : batches.epoch(order, 0, false, 0, 0)) {
            try (NDManager step = base.newSubManager()) {
                NDArray x = step.create(b.images(), new Shape(b.n(), shape[0], shape[1], shape[2]));
                NDArray logits = net.forwardHeads(Module.Ctx.eval(step), x).logits();
                float[] l = logits.toFloatArray();
                float[] logp = logits.logSoftmax(1).toFloatArray();
                for (int i = 0; i < b.n(); i++) {
                    int y = b.labels()[i];
                    int best = 0;
                    int above = 0;
                    for (int c = 0; c < numClasses; c++) {
                        float v = l[i * numClasses + c];
                        if (v > l[i * numClasses + best]) {
                            best = c;
                        }
                        if (v > l[i * numClasses + y]) {
                            above++;
                        }
                    }
                    confusion[y][best]++;
                    right += best == y ? 1 : 0;
                    right5 += above < k ? 1 : 0;
                    lossSum -= logp[i * numClasses + y];
                }
            }
        }
        return new Result((double) right / n, (double) right5 / n, lossSum / n, confusion, n);
    }
}
