package org.hybridvision.train;

import ai.djl.engine.Engine;
import org.hybridvision.models.ClassificationModel;
import org.hybridvision.models.Cmt;
import org.hybridvision.models.Conformer;
import org.hybridvision.models.LoadedModel;
import org.hybridvision.models.ModelSpec;
import org.hybridvision.models.Models;

import java.util.Map;

/**
 * Builds the network of a run: a registry model ({@link Models}) with the run's drop-path rate and input size, or a
 * small custom preset for quick CPU training.
 *
 * <p>{@value #FASHION_CONFORMER}: the main job's model, a narrow Conformer for 48x48 inputs (Fashion-MNIST's 28x28
 * images resized to 48): patch 16, channel ratio 0.5, embed 96, depth 6, 4 heads, MLP ratio 4. It was chosen by
 * measuring throughput and accuracy on the 2-core machine: against the earlier 32x32 preset (28x28 padded; embed 128,
 * depth 9) it trains at the same speed and is 2 points more accurate after 2 epochs (88.4 % vs 86.5 %), because the
 * CNN branch, which works at a quarter of the input resolution, sees 12x12 instead of 8x8 maps; wider variants and
 * 64x64 inputs cost 25-55 % more time per image for no gain in 1-epoch probes (docs/training.md).
 */
public final class Presets {
    private Presets() {}

    /** Name of the main job's Conformer preset. */
    public static final String FASHION_CONFORMER = "conformer_fashion48";

    /**
     * Registers a custom configuration under a name (see {@link Models#register}), so that {@code train} and
     * {@code --resume} can rebuild it.
     */
    public static void register(ModelSpec spec) {
        Models.register(spec);
    }

    /** @return the spec of a registry model or preset; unknown names fail with the list of known ones */
    public static ModelSpec spec(String name) {
        return Models.spec(name);
    }

    /** @return the family ({@code conformer} / {@code cmt}) of a preset or registry name */
    public static String family(String name) {
        return spec(name).family();
    }

    /**
     * Builds and initialises the model of a run (random weights from the current engine seed).
     *
     * @param name preset or registry name
     * @param numClasses classes of the head(s)
     * @param dropPath stochastic-depth rate
     * @param inputSize input size (CMT's relative-position tables depend on it)
     */
    public static LoadedModel build(String name, int numClasses, float dropPath, int inputSize) {
        ModelSpec spec = spec(name);
        ClassificationModel net = spec.build(numClasses);
        if (net instanceof Conformer c) {
            net = new Conformer(c.config().withDropPathRate(dropPath));
        } else if (net instanceof Cmt c) {
            Cmt.Config cfg = c.config().withDropPathRate(dropPath);
            net = new Cmt(inputSize == cfg.imgSize() ? cfg : cfg.withImgSize(inputSize));
        }
        return Models.wrap(spec, net, Engine.getInstance().defaultDevice());
    }

    /**
     * The main job's recipe for {@value #FASHION_CONFORMER} on 28x28 grey images: resize to 48 (bicubic), no random
     * augmentation, label smoothing 0.1, AdamW (lr 1.5e-3 at batch 128, wd 0.05), half an epoch of warm-up then
     * cosine, no drop path, global-norm clipping at 1.0 (a run at lr 2e-3 without clipping diverged to NaN in its
     * first epoch). Why (docs/training.md): with a random 2-pixel shift and flip a 6-epoch run underfitted (train
     * 91.5 %, test 91.1 %); over 7 epochs no augmentation reached 91.96 % and the flip alone 91.83 % (the flip
     * regularises, but trails by a point until the last epoch); RandAugment, Mixup/CutMix and erasing are far too
     * strong for so short a run. Progressive resizing is off: 6 epochs at 32x32 then 3 at 48x48 reached only 89.7 %
     * after 8 epochs.
     *
     * @param epochs number of epochs
     */
    public static TrainConfig fashionRecipe(int epochs) {
        return new TrainConfig(FASHION_CONFORMER, epochs, 128, 1.5e-3, 1e-5, 1e-5, 0.5, 0.05, 0.9, 0.999, 1e-8, 0.1,
                0, 0, 0, 0.5, "", 0, "light", 0.08, 0, 0, 48, 0, 1.0, 0, 0, 0, 1, 500, 0, 48, 0, 0, 2);
    }

    /**
     * @return {@code cfg} with no more data-parallel replicas than libtorch threads (the preset asks for 2; a
     *     1-core machine then trains with one)
     */
    public static TrainConfig fitReplicas(TrainConfig cfg, int threads) {
        return cfg.replicas() <= Math.max(1, threads) ? cfg
                : cfg.toBuilder().set("replicas", Math.max(1, threads)).build();
    }

    /** @return the presets by name (for listings) */
    public static Map<String, String> list() {
        return Map.of(FASHION_CONFORMER, Models.spec(FASHION_CONFORMER).description());
    }
}
