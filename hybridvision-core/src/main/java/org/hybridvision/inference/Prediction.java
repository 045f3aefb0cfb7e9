package org.hybridvision.inference;

import java.util.ArrayList;
import java.util.List;

/**
 * The top-k classes of one image.
 *
 * @param source the image's name (file path, or a caller-chosen name)
 * @param top the best classes, most probable first
 */
public record Prediction(String source, List<Label> top) {

    /**
     * One class with its probability.
     *
     * @param index class index (output position of the model)
     * @param name class name
     * @param probability softmax probability of the prediction logits
     */
    public record Label(int index, String name, double probability) {}

    /** @return the most probable class */
    public Label best() {
        return top.get(0);
    }

    /**
     * Softmax over one row of logits, then the {@code k} most probable classes (ties: lower index first).
     *
     * @param source the image's name
     * @param logits the whole logits array
     * @param offset index of the row's first value
     * @param numClasses row length
     * @param k how many classes to keep (clamped to {@code numClasses})
     * @param names class names, one per class
     * @return the prediction
     */
    public static Prediction fromLogits(String source, float[] logits, int offset, int numClasses, int k,
                                        List<String> names) {
        double[] p = softmax(logits, offset, numClasses);
        int[] idx = topK(logits, offset, numClasses, k);
        List<Label> top = new ArrayList<>(idx.length);
        for (int i : idx) {
            top.add(new Label(i, names.get(i), p[i]));
        }
        return new Prediction(source, List.copyOf(top));
    }

    /** Numerically stable softmax of {@code v[offset .. offset+n)}, in double precision. */
    static double[] softmax(float[] v, int offset, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, v[offset + i]);
        }
        double[] p = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp(v[offset + i] - max);
            sum += p[i];
        }
        for (int i = 0; i < n; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /**
     * Indices of the {@code k} largest values of a row, largest first; ties are broken by the lower index.
     *
     * @param v values
     * @param offset first value of the row
     * @param n row length
     * @param k how many (clamped to n)
     * @return the indices
     */
    public static int[] topK(float[] v, int offset, int n, int k) {
        k = Math.min(k, n);
        int[] best = new int[k];
        int count = 0;
        for (int i = 0; i < n; i++) {
            float x = v[offset + i];
            if (count == k && !(x > v[offset + best[k - 1]])) {
                continue;
            }
            int j = count < k ? count++ : k - 1;
            while (j > 0 && x > v[offset + best[j - 1]]) {
                best[j] = best[j - 1];
                j--;
            }
            best[j] = i;
        }
        return best;
    }

    /**
     * Rank of class {@code label} in a row (0 = top-1): how many classes score higher, counting equal scores at a
     * lower index as higher (the order of {@link #topK}).
     *
     * @param v values
     * @param offset first value of the row
     * @param n row length
     * @param label the class
     * @return its rank
     */
    public static int rank(float[] v, int offset, int n, int label) {
        float x = v[offset + label];
        int r = 0;
        for (int i = 0; i < n; i++) {
            float y = v[offset + i];
            if (y > x || (y == x && i < label)) {
                r++;
            }
        }
        return r;
    }
}
