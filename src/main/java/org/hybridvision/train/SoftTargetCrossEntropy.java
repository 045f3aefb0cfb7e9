package org.hybridvision.train;

import ai.djl.ndarray.NDArray;

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
