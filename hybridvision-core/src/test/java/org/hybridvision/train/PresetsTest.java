package org.hybridvision.train;

import org.hybridvision.data.ByteImage;
import org.hybridvision.data.EvalTransform;
import org.hybridvision.data.ImagePipeline;
import org.hybridvision.data.Interpolation;
import org.hybridvision.data.Normalize;
import org.hybridvision.models.ModelSpec;
import org.hybridvision.models.Models;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The main job's preset: what training evaluates is what {@code predict} / {@code eval} compute later. */
class PresetsTest {

    @Test
    void mainJobPresetSeesTestImagesAsPredictDoes() {
        ModelSpec spec = Models.spec(Presets.FASHION_CONFORMER);
        TrainConfig cfg = Presets.fashionRecipe(1);
        assertEquals(spec.inputSize(), cfg.inputSize());
        Normalize norm = new Normalize(spec.mean(), spec.std());
        ImagePipeline training = Batches.evalPipeline(cfg, norm, spec.cropPct());
        EvalTransform registry = EvalTransform.forInput(spec.inputSize(), spec.cropPct(), Interpolation.BICUBIC, norm);
        assertEquals(48, registry.resizeSize());
        byte[] px = new byte[28 * 28];
        new Random(5).nextBytes(px);
        ByteImage grey = new ByteImage(28, 28, 1, px);
        float[] a = training.apply(grey, null);
        float[] b = registry.apply(grey.toRgb());
        assertEquals(3 * 48 * 48, a.length);
        assertArrayEquals(b, a, 1e-6f);
    }

    @Test
    void thePresetsTwoReplicasShrinkToTheThreadsThereAre() {
        TrainConfig cfg = Presets.fashionRecipe(8);
        assertEquals(2, cfg.replicas());
        assertEquals(2, Presets.fitReplicas(cfg, 2).replicas());
        assertEquals(2, Presets.fitReplicas(cfg, 16).replicas());
        assertEquals(1, Presets.fitReplicas(cfg, 1).replicas());
        // an older configuration file without the field reads as one replica
        String old = cfg.toJson().replaceAll(",\\s*\"replicas\":\\s*2", "");
        assertEquals(1, TrainConfig.fromJson(old).replicas());
    }
}
