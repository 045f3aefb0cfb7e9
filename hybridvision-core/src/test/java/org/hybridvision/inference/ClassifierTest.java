package org.hybridvision.inference;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import org.hybridvision.HybridVisionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassifierTest {
    static Classifier classifier;

    @BeforeAll
    static void open() {
        classifier = InferenceTestModels.tinyConformer(7);
    }

    @AfterAll
    static void close() {
        classifier.close();
    }

    @Test
    void javaApiTranslatorAndBatchPathGiveTheSameAnswer(@TempDir Path dir) throws Exception {
        Path file = TestImages.write(TestImages.picture(97, 73, 11), dir.resolve("x.png"));
        BufferedImage img = ImageIO.read(file.toFile());

        Prediction fromPath = classifier.predict(file, 7);
        Prediction fromImage = classifier.predict(img, 7);
        assertEquals(7, fromPath.top().size());
        assertEquals(fromPath.top(), fromImage.top().stream()
                .map(l -> l).toList(), "decoded from file or given as BufferedImage: same result");
        assertEquals("class_0", classifier.classNames().get(0));

        try (Predictor<BufferedImage, Classifications> p = classifier.newPredictor()) {
            Classifications c = p.predict(img);
            for (Prediction.Label l : fromPath.top()) {
                assertEquals(l.probability(), c.get(l.name()).getProbability(), 1e-6, l.name());
            }
            List<Classifications> two = p.batchPredict(List.of(img, img));
            assertEquals(2, two.size());
            assertEquals(c.best().getClassName(), two.get(1).best().getClassName());
        }

        List<Prediction> batch = new ArrayList<>();
        new BatchPredictor(classifier, new BatchPredictor.Options(4, 2, 4, 7))
                .predictFiles(List.of(file, file, file), batch::add, f -> { });
        assertEquals(3, batch.size());
        for (Prediction b : batch) {
            for (int i = 0; i < 7; i++) {
                assertEquals(fromPath.top().get(i).index(), b.top().get(i).index());
                assertEquals(fromPath.top().get(i).probability(), b.top().get(i).probability(), 1e-5);
            }
        }
        double sum = fromPath.top().stream().mapToDouble(Prediction.Label::probability).sum();
        assertEquals(1.0, sum, 1e-6, "all 7 classes: probabilities sum to 1");
    }

    @Test
    void forwardGivesEveryConformerHeadAndTheSum() {
        int n = 2;
        float[] x = new float[n * 3 * 64 * 64];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i * 0.01);
        }
        Map<String, float[]> out = classifier.forward(x, n, 64, 64);
        assertEquals(List.of("conv", "trans", "sum"), new ArrayList<>(out.keySet()));
        assertEquals(classifier.outputNames(), new ArrayList<>(out.keySet()));
        for (int i = 0; i < n * 7; i++) {
            assertEquals(out.get("conv")[i] + out.get("trans")[i], out.get("sum")[i], 1e-5);
        }
    }

    @Test
    void wrongInputSizeIsAUserError() {
        HybridVisionException e = assertThrows(HybridVisionException.class,
                () -> classifier.forward(new float[3 * 50 * 50], 1, 50, 50));
        assertTrue(e.getMessage().contains("multiples of 16"), e.getMessage());
    }

    @Test
    void classNamesComeFromCheckpointElseImagenetElseGeneric() {
        assertEquals("tench", ClassNames.resolve(null, 1000).get(0));
        assertEquals("toilet tissue", ClassNames.resolve(null, 1000).get(999));
        assertEquals(List.of("class_0", "class_1"), ClassNames.resolve(null, 2));
        assertEquals(List.of("cat", "dog"), ClassNames.resolve(List.of("cat", "dog"), 2));
        assertThrows(HybridVisionException.class, () -> ClassNames.resolve(List.of("cat"), 2));
    }

    @Test
    void topKAndRank() {
        float[] v = {0.5f, 3f, -1f, 3f, 2f};
        assertArrayEquals(new int[] {1, 3, 4}, Prediction.topK(v, 0, 5, 3), "ties: lower index first");
        assertArrayEquals(new int[] {1, 3, 4, 0, 2}, Prediction.topK(v, 0, 5, 9));
        assertEquals(0, Prediction.rank(v, 0, 5, 1));
        assertEquals(1, Prediction.rank(v, 0, 5, 3));
        assertEquals(4, Prediction.rank(v, 0, 5, 2));
        float[] two = {9f, 0f, 1f, 2f};
        assertArrayEquals(new int[] {1, 0}, Prediction.topK(two, 2, 2, 2), "offset into a batch row");
    }
}
