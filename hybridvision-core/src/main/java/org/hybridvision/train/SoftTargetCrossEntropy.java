package org.hybridvision.train;

import ai.djl.ndarray.NDArray;
import org.hybridvision.layers.Scalars;

import java.util.Collection;

/**
 * Cross-entropy against soft targets (timm's {@code SoftTargetCrossEntropy}):
 * {@code mean over the batch of -sum_c target_c * log_softmax(logits)_c}. One-hot targets give the ordinary
 * cross-entropy; label smoothing and Mixup/CutMix are expressed through the targets ({@link #smoothOneHot}).
 */
public final class SoftTargetCrossEntropy {
    private SoftTargetCrossEntropy() {}

    /**
     * @param logits {@code [B, C]}
     * @param targets {@code [B, C]}, rows summing to one; put in the batch's manager (it is the first operand, so the
     *     loss lands there too)
     * @return the scalar mean loss
     */
    public static NDArray loss(NDArray logits, NDArray targets) {
        return targets.mul(logits.logSoftmax(1)).sum(new int[] {1}).neg().mean();
    }

    /**
     * The training loss of a network with one or more heads: the mean over the heads of {@link #loss} (Conformer:
     * the two heads, spec A3.9; CMT: its one head). Divides with {@link Scalars} (see there: never
     * {@code div(Number)} on a tensor a backward pass goes through).
     *
     * @param heads logits of each head, {@code [B, C]}
     * @param targets {@code [B, C]}
     */
    public static NDArray headsLoss(Collection<NDArray> heads, NDArray targets) {
        NDArray l = null;
        for (NDArray head : heads) {
            NDArray hl = loss(head, targets);
            l = l == null ? hl : l.add(hl);
        }
        return heads.size() == 1 ? l : Scalars.div(l, heads.size());
    }

    /**
     * Label-smoothed one-hot targets (timm convention: off value {@code s/C}, on value {@code 1 - s + s/C}).
     *
     * @return row-major {@code [labels.length, numClasses]}
     */
    public static float[] smoothOneHot(int[] labels, int numClasses, double smoothing) {
        float off = (float) (smoothing / numClasses);
        float on = (float) (1 - smoothing + smoothing / numClasses);
        float[] out = new float[labels.length * numClasses];
        for (int i = 0; i < labels.length; i++) {
            for (int c = 0; c < numClasses; c++) {
                out[i * numClasses + c] = c == labels[i] ? on : off;
            }
        }
        return out;
    }
}
