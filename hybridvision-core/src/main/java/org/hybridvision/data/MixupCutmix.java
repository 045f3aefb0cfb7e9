package org.hybridvision.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.random.RandomGenerator;
import org.hybridvision.HybridVisionException;

/**
 * Batch-level Mixup / CutMix with label smoothing, as timm's {@code Mixup} in mode "batch" (reference recipe: mixup
 * alpha 0.8, cutmix alpha 1.0, prob 1.0, switch prob 0.5, label smoothing 0.1, lambda correction on).
 *
 * <p>Per batch: with probability {@code prob} mixing happens. Then CutMix is chosen with probability
 * {@code switchProb} (when both alphas are positive), else Mixup, and {@code lambda ~ Beta(alpha, alpha)} for the
 * chosen method. Each sample is mixed with the sample at the mirrored position of the batch ({@code x.flip(0)}):
 * <ul>
 *   <li>Mixup: {@code x' = lambda * x + (1 - lambda) * flip(x)};</li>
 *   <li>CutMix: a box of size {@code int(H sqrt(1 - lambda)) x int(W sqrt(1 - lambda))} centred at a uniform random
 *       pixel, clipped to the image, is pasted from {@code flip(x)}; lambda becomes {@code 1 - boxArea / (H W)}.</li>
 * </ul>
 * Targets are {@code lambda * smooth(y) + (1 - lambda) * smooth(flip(y))} with {@code smooth} the one-hot vector with
 * off value {@code smoothing / numClasses} and on value {@code 1 - smoothing + off}, so every row sums to 1.
 *
 * <p>timm requires an even batch; an odd batch is accepted here (its middle sample mixes with itself).
 */
public final class MixupCutmix {
    private final double mixupAlpha;
    private final double cutmixAlpha;
    private final double prob;
    private final double switchProb;
    private final double smoothing;
    private final int numClasses;

    /** The CutMix box in pixel coordinates, rows [y0, y1), columns [x0, x1). */
    public record Box(int y0, int y1, int x0, int x1) {
        /** @return number of pixels covered */
        public int area() {
            return (y1 - y0) * (x1 - x0);
        }
    }

    /**
     * The draw for one batch.
     *
     * @param lambda weight of the original sample (1 when nothing was mixed; corrected to the box area for CutMix)
     * @param cutmix true for CutMix, false for Mixup (or no mixing)
     * @param box the pasted box for CutMix, null otherwise
     */
    public record Params(double lambda, boolean cutmix, Box box) {
    }

    /**
     * The mixed batch.
     *
     * @param images mixed inputs, same shape as the input, in the input's manager
     * @param targets soft targets {@code [B, numClasses]} float32, in the input's manager
     * @param params what was drawn
     */
    public record Result(NDArray images, NDArray targets, Params params) {
    }

    /**
     * @param mixupAlpha Beta parameter for Mixup (0 disables Mixup)
     * @param cutmixAlpha Beta parameter for CutMix (0 disables CutMix)
     * @param prob probability of mixing a batch
     * @param switchProb probability of CutMix when both are enabled
     * @param smoothing label smoothing
     * @param numClasses number of classes
     */
    public MixupCutmix(double mixupAlpha, double cutmixAlpha, double prob, double switchProb, double smoothing,
            int numClasses) {
        if (mixupAlpha < 0 || cutmixAlpha < 0 || prob < 0 || prob > 1 || switchProb < 0 || switchProb > 1
                || smoothing < 0 || smoothing >= 1 || numClasses < 1) {
            throw new IllegalArgumentException("invalid Mixup/CutMix settings");
        }
        this.mixupAlpha = mixupAlpha;
        this.cutmixAlpha = cutmixAlpha;
        this.prob = prob;
        this.switchProb = switchProb;
        this.smoothing = smoothing;
        this.numClasses = numClasses;
    }

    /**
     * @param numClasses number of classes
     * @return the reference recipe: mixup 0.8, cutmix 1.0, prob 1.0, switch 0.5, smoothing 0.1
     */
    public static MixupCutmix standard(int numClasses) {
        return new MixupCutmix(0.8, 1.0, 1.0, 0.5, 0.1, numClasses);
    }

    /** @return the number of classes of the targets */
    public int numClasses() {
        return numClasses;
    }

    /**
     * Draws lambda, the method and (for CutMix) the box, with lambda corrected to the box area.
     *
     * @param height image height
     * @param width image width
     * @param random the generator
     * @return the draw
     */
    public Params sample(int height, int width, RandomGenerator random) {
        double lam = 1.0;
        boolean useCutmix = false;
        boolean enabled = mixupAlpha > 0 || cutmixAlpha > 0;
        if (enabled && random.nextDouble() < prob) {
            if (mixupAlpha > 0 && cutmixAlpha > 0) {
                useCutmix = random.nextDouble() < switchProb;
                lam = useCutmix ? Distributions.beta(random, cutmixAlpha, cutmixAlpha)
                        : Distributions.beta(random, mixupAlpha, mixupAlpha);
            } else if (mixupAlpha > 0) {
                lam = Distributions.beta(random, mixupAlpha, mixupAlpha);
            } else {
                useCutmix = true;
                lam = Distributions.beta(random, cutmixAlpha, cutmixAlpha);
            }
        }
        if (lam == 1.0) {
            return new Params(1.0, false, null);
        }
        if (!useCutmix) {
            return new Params(lam, false, null);
        }
        Box box = cutmixBox(height, width, lam, random);
        double corrected = 1.0 - box.area() / (double) (height * width);
        return new Params(corrected, true, box);
    }

    /** timm's {@code rand_bbox} with margin 0. */
    static Box cutmixBox(int h, int w, double lam, RandomGenerator random) {
        double ratio = Math.sqrt(1.0 - lam);
        int cutH = (int) (h * ratio);
        int cutW = (int) (w * ratio);
        int cy = random.nextInt(h);
        int cx = random.nextInt(w);
        int y0 = clamp(cy - cutH / 2, h);
        int y1 = clamp(cy + cutH / 2, h);
        int x0 = clamp(cx - cutW / 2, w);
        int x1 = clamp(cx + cutW / 2, w);
        return new Box(y0, y1, x0, x1);
    }

    private static int clamp(int v, int hi) {
        return v < 0 ? 0 : Math.min(v, hi);
    }

    /**
     * Mixes a batch held in NDArrays. New arrays are created in the manager of {@code images}; the inputs are not
     * modified.
     *
     * @param images {@code [B, C, H, W]} float batch
     * @param labels B class indices
     * @param random the generator
     * @return mixed images, soft targets and the draw
     */
    public Result apply(NDArray images, int[] labels, RandomGenerator random) {
        Shape s = images.getShape();
        if (s.dimension() != 4) {
            throw new HybridVisionException("Mixup/CutMix needs a [B, C, H, W] batch, got shape " + s + ".");
        }
        int batch = (int) s.get(0);
        if (labels.length != batch) {
            throw new HybridVisionException("Mixup/CutMix got " + labels.length + " labels for a batch of " + batch
                    + ".");
        }
        Params p = sample((int) s.get(2), (int) s.get(3), random);
        return new Result(mixImages(images, p), targets(images.getManager(), labels, p.lambda()), p);
    }

    /**
     * Applies a given draw to a batch (new array in the batch's manager).
     *
     * @param images {@code [B, C, H, W]}
     * @param p the draw
     * @return the mixed batch
     */
    public static NDArray mixImages(NDArray images, Params p) {
        if (p.lambda() == 1.0) {
            return images.duplicate();
        }
        try (NDArray flipped = images.flip(0)) {
            if (p.cutmix()) {
                NDArray out = images.duplicate();
                Box b = p.box();
                if (b.area() > 0) {
                    NDIndex region = new NDIndex(":, :, {}:{}, {}:{}", b.y0(), b.y1(), b.x0(), b.x1());
                    try (NDArray patch = flipped.get(region)) {
                        out.set(region, patch);
                    }
                }
                return out;
            }
            NDArray out = images.mul((float) p.lambda());
            try (NDArray other = flipped.mul((float) (1.0 - p.lambda()))) {
                out.addi(other);
            }
            return out;
        }
    }

    private NDArray targets(NDManager manager, int[] labels, double lambda) {
        return manager.create(softTargets(labels, numClasses, lambda, smoothing), new Shape(labels.length, numClasses));
    }

    /**
     * timm's {@code mixup_target} on the host: smoothed one-hot of the labels mixed with that of the reversed labels.
     *
     * @param labels class indices
     * @param numClasses number of classes
     * @param lambda weight of the original labels
     * @param smoothing label smoothing
     * @return {@code [labels.length * numClasses]} float32, row-major
     */
    public static float[] softTargets(int[] labels, int numClasses, double lambda, double smoothing) {
        int b = labels.length;
        float off = (float) (smoothing / numClasses);
        float on = (float) (1.0 - smoothing + off);
        float lam = (float) lambda;
        float rest = (float) (1.0 - lambda);
        float offMixed = off * lam + off * rest;
        float[] out = new float[b * numClasses];
        for (int i = 0; i < b; i++) {
            int y1 = labels[i];
            int y2 = labels[b - 1 - i];
            if (y1 < 0 || y1 >= numClasses) {
                throw new HybridVisionException("Label " + y1 + " is outside 0.." + (numClasses - 1) + ".");
            }
            int row = i * numClasses;
            java.util.Arrays.fill(out, row, row + numClasses, offMixed);
            out[row + y1] = on * lam + (y1 == y2 ? on : off) * rest;
            if (y2 != y1) {
                out[row + y2] = off * lam + on * rest;
            }
        }
        return out;
    }

    /**
     * Host-side variant for a batch in one float array (no engine needed): mixes in place.
     *
     * @param batch {@code [B, C, H, W]} float32, row-major
     * @param b B
     * @param c C
     * @param h H
     * @param w W
     * @param p the draw
     */
    public static void mixInPlace(float[] batch, int b, int c, int h, int w, Params p) {
        if (p.lambda() == 1.0) {
            return;
        }
        int sample = c * h * w;
        float[] src = batch.clone();
        if (p.cutmix()) {
            Box box = p.box();
            for (int i = 0; i < b; i++) {
                int dst = i * sample;
                int from = (b - 1 - i) * sample;
                for (int k = 0; k < c; k++) {
                    for (int y = box.y0(); y < box.y1(); y++) {
                        int off = k * h * w + y * w;
                        System.arraycopy(src, from + off + box.x0(), batch, dst + off + box.x0(), box.x1() - box.x0());
                    }
                }
            }
            return;
        }
        float lam = (float) p.lambda();
        float rest = (float) (1.0 - p.lambda());
        for (int i = 0; i < b; i++) {
            int dst = i * sample;
            int from = (b - 1 - i) * sample;
            for (int j = 0; j < sample; j++) {
                batch[dst + j] = src[dst + j] * lam + src[from + j] * rest;
            }
        }
    }
}
