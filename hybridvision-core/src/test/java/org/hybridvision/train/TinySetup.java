package org.hybridvision.train;

import org.hybridvision.data.ByteImage;
import org.hybridvision.data.ImageDataset;
import org.hybridvision.data.Sample;
import org.hybridvision.models.Conformer;
import org.hybridvision.models.ModelSpec;

import java.util.List;
import java.util.SplittableRandom;

/** A tiny Conformer and a tiny learnable synthetic dataset for fast training tests. */
final class TinySetup {
    private TinySetup() {}

    static final String MODEL = "test_tiny_conformer";

    static {
        Presets.register(new ModelSpec(MODEL, "conformer",
                classes -> new Conformer(new Conformer.Config(16, 0.125, 16, 6, 2, 2.0, true, classes, 0f)), 32, 1f,
                ModelSpec.IMAGENET_MEAN, ModelSpec.IMAGENET_STD, 3, 0, Double.NaN, Double.NaN, "test model"));
    }

    /** Grey 28x28 images; the class decides where a bright bar is (left, middle, right), plus noise. */
    static ImageDataset data(int n, long seed) {
        return new ImageDataset() {
            @Override
            public int size() {
                return n;
            }

            @Override
            public Sample get(int index) {
                int label = label(index);
                SplittableRandom r = new SplittableRandom(seed * 7919 + index);
                byte[] px = new byte[28 * 28];
                for (int y = 0; y < 28; y++) {
                    for (int x = 0; x < 28; x++) {
                        boolean bar = x >= 4 + label * 8 && x < 10 + label * 8;
                        px[y * 28 + x] = (byte) Math.min(255, (bar ? 180 : 20) + r.nextInt(60));
                    }
                }
                return new Sample(new ByteImage(28, 28, 1, px), label, "synthetic#" + index);
            }

            @Override
            public int label(int index) {
                return index % 3;
            }

            @Override
            public List<String> classNames() {
                return List.of("left", "middle", "right");
            }

            @Override
            public String describe() {
                return "synthetic bars (" + n + " images)";
            }
        };
    }

    /** Light recipe on the tiny model. */
    static TrainConfig light(int epochs, int batch) {
        return Presets.fashionRecipe(epochs).toBuilder().set("model", MODEL).set("batchSize", batch)
                .set("evalBatch", 32).set("warmupEpochs", 0.5).set("dropPath", 0.1).set("seed", 7).set("replicas", 1)
                .build();
    }
}
