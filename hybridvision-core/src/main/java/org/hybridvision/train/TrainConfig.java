package org.hybridvision.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import org.hybridvision.HybridVisionException;

/**
 * Every switch of a training run, with the papers' recipes as defaults ({@link #defaults(String, String, int)}).
 *
 * <p>Learning rates here are the ones actually used (peak of the schedule). The papers give them for a large global
 * batch; {@link #defaults} scales them linearly to the batch of the run: Conformer {@code 1e-3 x batch / 1024} (its
 * recipe: lr 1e-3 at batch 1024), CMT {@code base x batch / 512} (its script's own rule). An explicit {@code --lr}
 * is used as given.
 *
 * @param model registry name of the model, or a preset name ({@link Presets})
 * @param epochs number of epochs
 * @param batchSize images per optimizer step
 * @param lr peak learning rate
 * @param minLr learning rate at the end of the cosine
 * @param warmupLr learning rate at step 0
 * @param warmupEpochs length of the linear warm-up in epochs (fractions allowed)
 * @param weightDecay decoupled weight decay of the decay group ({@link WeightDecayGroups})
 * @param beta1 AdamW beta1
 * @param beta2 AdamW beta2
 * @param eps AdamW epsilon
 * @param labelSmoothing label smoothing of the targets
 * @param mixupAlpha Mixup Beta parameter (0 = off)
 * @param cutmixAlpha CutMix Beta parameter (0 = off)
 * @param mixupProb probability that a batch is mixed
 * @param mixupSwitchProb probability of CutMix rather than Mixup when both are on
 * @param randAugment timm RandAugment string, or empty for none
 * @param randomErasing random-erasing probability (0 = off)
 * @param augment {@code "rrc"}: RandomResizedCrop (scale {@code cropScaleMin}..1) as in the papers;
 *     {@code "light"}: fit to the input size, pad by {@code padCrop} pixels and crop randomly (small images)
 * @param cropScaleMin smallest area fraction of RandomResizedCrop
 * @param padCrop padding of the light random crop, in pixels
 * @param hflip horizontal-flip probability
 * @param inputSize square training/evaluation resolution
 * @param dropPath stochastic-depth rate of the deepest block
 * @param clipGrad global gradient-norm bound (0 = no clipping, the papers' setting)
 * @param emaDecay model-EMA decay per step (0 = no EMA)
 * @param seed seed of every random choice (order, augmentation, Mixup, drop path)
 * @param threads libtorch intra-op threads (0 = all cores)
 * @param loaderThreads threads preparing batches in the background
 * @param evalBatch batch size of evaluation
 * @param maxMinutes stop training (with a checkpoint) after this many minutes (0 = no limit)
 * @param resizeTo light augmentation only: resize each image to {@code resizeTo x resizeTo} (bicubic) before centring
 *     it in the input by padding (0 = no resize: smaller images are padded, larger ones resized to the input);
 *     e.g. 56 with input 64 doubles Fashion-MNIST's 28x28 images and pads them by 4 pixels
 * @param lowResEpochs progressive resizing: the first {@code lowResEpochs} epochs train at {@code lowResSize}
 *     (0 = off), and are evaluated at that size too (BatchNorm's running statistics belong to it). Both families take any resolution with the same weights
 *     (Conformer has no positional embedding, CMT resamples its position bias), so early epochs can run on smaller,
 *     cheaper images (the idea of FixRes and of EfficientNetV2's progressive learning)
 * @param lowResSize training resolution of the first {@code lowResEpochs} epochs ({@link #atLowResolution})
 * @param replicas data-parallel replicas of the model, each on {@code threads / replicas} libtorch threads and an
 *     equal slice of every batch ({@link DataParallel}); 1 = one pass over the whole batch. BatchNorm then sees
 *     per-replica statistics, so results depend on this number (0 in an older configuration file reads as 1)
 */
public record TrainConfig(String model, int epochs, int batchSize, double lr, double minLr, double warmupLr,
                          double warmupEpochs, double weightDecay, double beta1, double beta2, double eps,
                          double labelSmoothing, double mixupAlpha, double cutmixAlpha, double mixupProb,
                          double mixupSwitchProb, String randAugment, double randomErasing, String augment,
                          double cropScaleMin, int padCrop, double hflip, int inputSize, double dropPath,
                          double clipGrad, double emaDecay, long seed, int threads, int loaderThreads, int evalBatch,
                          double maxMinutes, int resizeTo, int lowResEpochs, int lowResSize, int replicas) {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    /** Checks every value, with messages that name the option. */
    public TrainConfig {
        check(epochs >= 1, "--epochs must be at least 1, got " + epochs);
        check(batchSize >= 1, "--batch must be at least 1, got " + batchSize);
        check(lr > 0 && Double.isFinite(lr), "--lr must be a positive number, got " + lr);
        check(minLr >= 0 && warmupLr >= 0, "--min-lr and --warmup-lr must not be negative");
        check(warmupEpochs >= 0, "--warmup-epochs must not be negative, got " + warmupEpochs);
        check(weightDecay >= 0, "--weight-decay must not be negative, got " + weightDecay);
        check(labelSmoothing >= 0 && labelSmoothing < 1, "--smoothing must be in [0, 1), got " + labelSmoothing);
        check(mixupAlpha >= 0 && cutmixAlpha >= 0, "--mixup and --cutmix alphas must not be negative");
        check(mixupProb >= 0 && mixupProb <= 1 && mixupSwitchProb >= 0 && mixupSwitchProb <= 1,
                "--mixup-prob and --mixup-switch-prob must be in [0, 1]");
        check(randomErasing >= 0 && randomErasing <= 1, "--reprob must be in [0, 1], got " + randomErasing);
        check("rrc".equals(augment) || "light".equals(augment),
                "--augment must be 'rrc' (RandomResizedCrop, the papers') or 'light' (pad + random crop), got " + augment);
        check(cropScaleMin > 0 && cropScaleMin <= 1, "--crop-scale-min must be in (0, 1], got " + cropScaleMin);
        check(padCrop >= 0, "--pad-crop must not be negative");
        check(hflip >= 0 && hflip <= 1, "--hflip must be in [0, 1], got " + hflip);
        check(inputSize >= 8, "--input-size must be at least 8, got " + inputSize);
        check(dropPath >= 0 && dropPath < 1, "--drop-path must be in [0, 1), got " + dropPath);
        check(clipGrad >= 0, "--clip-grad must not be negative (0 disables clipping)");
        check(emaDecay == 0 || (emaDecay > 0 && emaDecay < 1), "--ema-decay must be 0 (off) or in (0, 1)");
        check(threads >= 0 && loaderThreads >= 1, "--threads must be >= 0 and loader threads >= 1");
        check(evalBatch >= 1, "evaluation batch must be at least 1");
        check(maxMinutes >= 0, "--max-minutes must not be negative");
        check(resizeTo >= 0 && resizeTo <= inputSize, "--resize-to must be between 0 (off) and the input size "
                + inputSize + ", got " + resizeTo);
        check(lowResEpochs >= 0 && lowResEpochs < epochs, "--low-res-epochs must be between 0 (off) and "
                + (epochs - 1) + " (the last epochs train at the input size), got " + lowResEpochs);
        check(lowResEpochs == 0 || (lowResSize >= 8 && lowResSize < inputSize), "--low-res-size must be at least 8 "
                + "and smaller than the input size " + inputSize + ", got " + lowResSize);
        check(replicas >= 0 && replicas <= batchSize, "--replicas must be between 1 and the batch size "
                + batchSize + ", got " + replicas);
        randAugment = randAugment == null ? "" : randAugment;
        replicas = replicas == 0 ? 1 : replicas;
    }

    /**
     * @return the settings of the low-resolution epochs: input {@code lowResSize}, and a light pipeline's resize
     *     scaled by the same factor (so objects fill the same fraction of the image at both resolutions)
     */
    public TrainConfig atLowResolution() {
        int r = resizeTo == 0 ? 0 : Math.min(lowResSize, (int) Math.round((double) resizeTo * lowResSize / inputSize));
        return toBuilder().set("inputSize", lowResSize).set("resizeTo", r).set("lowResEpochs", 0).build();
    }

    /** @return the training resolution of {@code epoch} (0-based) */
    public int trainSize(int epoch) {
        return epoch < lowResEpochs ? lowResSize : inputSize;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new HybridVisionException(message);
        }
    }

    /**
     * The papers' recipe for a model family (spec A8 for Conformer, B8 for CMT), adapted to {@code batchSize}.
     *
     * @param model registry name
     * @param family {@code conformer} or {@code cmt}
     * @param inputSize the model's default input size
     */
    public static TrainConfig defaults(String model, String family, int inputSize) {
        return defaults(model, family, inputSize, 64);
    }

    /** As {@link #defaults(String, String, int)} for a given batch size. */
    public static TrainConfig defaults(String model, String family, int inputSize, int batch) {
        if ("cmt".equals(family)) {
            // spec B8: base lr / warm-up start / min lr / wd / drop path / EMA per variant; lr scaled by batch/512
            double base = 5e-4, warmLr = 1e-7, minLr = 1e-5, wd = 0.05, dp = 0.1, ema = 0.99996;
            int epochs = 300;
            if (model.endsWith("_ti")) {
                base = 8e-4; ema = 0; epochs = 800;
            } else if (model.endsWith("_xs")) {
                base = 7e-4; warmLr = 1e-6; minLr = 2e-5; wd = 0.04; dp = 0.08; ema = 0.9998; epochs = 400;
            } else if (model.endsWith("_b")) {
                warmLr = 1e-6; minLr = 2e-5; dp = 0.25;
            }
            return new TrainConfig(model, epochs, batch, base * batch / 512.0, minLr, warmLr, 20, wd, 0.9, 0.999,
                    1e-8, 0.1, 0.8, 1.0, 1.0, 0.5, "rand-m9-mstd0.5-inc1", 0.25, "rrc", 0.08, 4, 0.5, inputSize,
                    dp, 0, ema, 3407, 0, 1, 2 * batch, 0, 0, 0, 0, 1);
        }
        // spec A8 (Conformer): lr 1e-3 at batch 1024, warm-up 5 epochs from 1e-6, min 1e-5, EMA 0.99996
        return new TrainConfig(model, 300, batch, 1e-3 * batch / 1024.0, 1e-5, 1e-6, 5, 0.05, 0.9, 0.999, 1e-8, 0.1,
                0.8, 1.0, 1.0, 0.5, "rand-m9-mstd0.5-inc1", 0.25, "rrc", 0.08, 4, 0.5, inputSize, 0.1, 0, 0.99996, 0,
                0, 1, 2 * batch, 0, 0, 0, 0, 1);
    }

    /** @return whether batches are mixed (Mixup or CutMix on) */
    public boolean mixing() {
        return mixupProb > 0 && (mixupAlpha > 0 || cutmixAlpha > 0);
    }

    /** @return this configuration as pretty JSON */
    public String toJson() {
        return GSON.toJson(this);
    }

    /** Parses {@link #toJson()} output. */
    public static TrainConfig fromJson(String json) {
        return GSON.fromJson(json, TrainConfig.class);
    }

    /** @return a builder starting from this configuration */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes a few fields of a {@link TrainConfig}; {@link #build()} validates the result. */
    public static final class Builder {
        private final com.google.gson.JsonObject o;

        private Builder(TrainConfig c) {
            o = GSON.toJsonTree(c).getAsJsonObject();
        }

        /**
         * Sets one field by its record component name (e.g. {@code "lr"}).
         *
         * @param field component name
         * @param value a Number, String or Boolean
         * @return this
         */
        public Builder set(String field, Object value) {
            if (!o.has(field)) {
                throw new IllegalArgumentException("no training setting named " + field);
            }
            if (value instanceof Number n) {
                o.addProperty(field, n);
            } else {
                o.addProperty(field, String.valueOf(value));
            }
            return this;
        }

        /** @return the validated configuration */
        public TrainConfig build() {
            try {
                return GSON.fromJson(o, TrainConfig.class);
            } catch (RuntimeException e) {
                // Gson wraps what the validating constructor throws: give the user the message that names the option
                for (Throwable t = e; t != null; t = t.getCause()) {
                    if (t instanceof HybridVisionException h) {
                        throw h;
                    }
                }
                throw e;
            }
        }
    }
}
