package org.hybridvision.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.hybridvision.layers.Module;
import org.hybridvision.models.LoadedModel;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * How many epochs of a recipe fit in a wall-clock budget on this machine, from a short timing of the recipe's own
 * training steps and evaluation batches on random data (the main job uses it to keep its time bound on a slower
 * machine). The estimate of an epoch is {@code steps x median step x 1.03 (data loading, bookkeeping) + evaluation
 * images / measured evaluation rate}.
 */
public final class EpochBudget {
    private EpochBudget() {}

    /** Share of an epoch's step time spent outside the timed step (batch hand-over, metrics, progress bar). */
    static final double OVERHEAD = 1.03;

    /**
     * What the calibration measured and decided.
     *
     * @param stepSeconds median time of one training step (forward, backward, AdamW, zeroed gradients)
     * @param evalImagesPerSecond evaluation throughput
     * @param epochSeconds estimated time of one epoch, evaluation included
     * @param epochs epochs that fit (at least 1, at most the requested maximum)
     * @param calibrationSeconds time the calibration itself took
     */
    public record Estimate(double stepSeconds, double evalImagesPerSecond, double epochSeconds, int epochs,
                           double calibrationSeconds) {}

    /**
     * @param cfg the recipe (model, batch, input size, replicas, evaluation batch)
     * @param numClasses classes of the head
     * @param trainImages training images per epoch
     * @param evalImages images evaluated after each epoch (0 for none)
     * @param budgetSeconds time available for all epochs
     * @param maxEpochs the most epochs wanted
     */
    public static Estimate fit(TrainConfig cfg, int numClasses, int trainImages, int evalImages, double budgetSeconds,
                               int maxEpochs) {
        long t0 = System.nanoTime();
        int batch = cfg.batchSize();
        int s = cfg.inputSize();
        int[] chw = {3, s, s};
        SplittableRandom r = new SplittableRandom(1);
        float[] x = new float[Math.max(batch, cfg.evalBatch()) * 3 * s * s];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        int[] labels = r.ints(batch, 0, numClasses).toArray();
        float[] targets = SoftTargetCrossEntropy.smoothOneHot(labels, numClasses, cfg.labelSmoothing());
        double step;
        double evalRate = Double.POSITIVE_INFINITY;
        try (LoadedModel m = Presets.build(cfg.model(), numClasses, (float) cfg.dropPath(), s);
             DataParallel dp = new DataParallel(m, cfg.replicas(), ai.djl.pytorch.jni.JniUtils.getNumThreads(),
                     () -> Presets.build(cfg.model(), numClasses, (float) cfg.dropPath(), s));
             AdamW opt = new AdamW(m.net(), (float) cfg.weightDecay(), cfg.beta1(), cfg.beta2(), cfg.eps())) {
            float[] xb = Arrays.copyOf(x, batch * 3 * s * s);
            double[] times = new double[8];
            for (int i = -2; i < times.length; i++) {
                long a = System.nanoTime();
                dp.forwardBackward(xb, targets, batch, chw, i);
                opt.step(1e-4, cfg.clipGrad());
                Train.zeroGradients(m.net().namedParameters().values());
                if (i >= 0) {
                    times[i] = (System.nanoTime() - a) / 1e9;
                }
            }
            Arrays.sort(times);
            step = (times[times.length / 2 - 1] + times[times.length / 2]) / 2;
            if (evalImages > 0) {
                int eb = Math.min(cfg.evalBatch(), evalImages);
                double best = Double.POSITIVE_INFINITY;
                for (int i = 0; i < 3; i++) {
                    long a = System.nanoTime();
                    try (NDManager scratch = m.manager().newSubManager()) {
                        NDArray in = scratch.create(Arrays.copyOf(x, eb * 3 * s * s), new Shape(eb, 3, s, s));
                        m.net().forwardHeads(Module.Ctx.eval(scratch), in).logits().toFloatArray();
                    }
                    if (i > 0) {
                        best = Math.min(best, (System.nanoTime() - a) / 1e9);
                    }
                }
                evalRate = eb / best;
            }
        }
        double epoch = (trainImages / batch) * step * OVERHEAD + (evalImages > 0 ? evalImages / evalRate : 0);
        int epochs = (int) Math.max(1, Math.min(maxEpochs, Math.floor(budgetSeconds / epoch)));
        return new Estimate(step, evalRate, epoch, epochs, (System.nanoTime() - t0) / 1e9);
    }
}
