package org.hybridvision.eval;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import org.hybridvision.inference.BatchPredictor;
import org.hybridvision.inference.Classifier;
import org.hybridvision.inference.InferenceTestModels;
import org.hybridvision.inference.TestImages;
import org.hybridvision.models.ClassificationModel;
import org.hybridvision.models.ModelSpec;
import org.hybridvision.models.Models;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code eval} on a generated ImageFolder set with a model whose answers are known: the real evaluator, decode pool
 * and transform, with a test double for the network whose logits are the image's mean colour.
 */
class EvaluatorTest {

    /**
     * Seven classes: logits 0..2 are the mean normalised R, G, B of the input, 3..6 are 0. Head "conv" is twice that,
     * head "trans" its negation, so the prediction (their sum) is the mean colour itself.
     */
    static final class MeanColourModel extends ClassificationModel {
        @Override
        public int numClasses() {
            return 7;
        }

        @Override
        public Output forwardHeads(Ctx ctx, NDArray images) {
            long b = images.getShape().get(0);
            NDArray rgb = images.mean(new int[] {3}).mean(new int[] {2});
            NDArray logits = NDArrays.concat(new NDList(rgb, rgb.getManager().zeros(new Shape(b, 4))), 1);
            NDArray conv = logits.mul(2f);
            NDArray trans = logits.neg();
            return new Output(conv.add(trans), heads("conv", conv, "trans", trans));
        }

        @Override
        public List<NDArray> features(Ctx ctx, NDArray images) {
            return List.of();
        }

        @Override
        public List<String> classifierPrefixes() {
            return List.of();
        }

        @Override
        public void checkInputSize(long h, long w) {
        }
    }

    @Test
    void knownModelGivesExactlyTheExpectedCounts(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        // class list: red = 0, green = 1, blue = 2 (the model's channel order, not the sorted folder order)
        Files.writeString(dir.resolve("classes.txt"), "red\ngreen\nblue\n");
        TestImages.write(TestImages.solid(80, 70, 255, 0, 0), data.resolve("red/r1.png"));
        TestImages.write(TestImages.solid(70, 90, 255, 0, 0), data.resolve("red/r2.png"));
        TestImages.write(TestImages.solid(80, 70, 200, 255, 0), data.resolve("red/r3.png")); // 2nd: top-5, not top-1
        TestImages.write(TestImages.solid(80, 70, 0, 255, 0), data.resolve("red/r4.png"));   // 7th: wrong
        TestImages.write(TestImages.solid(66, 66, 0, 255, 0), data.resolve("green/g1.png"));
        TestImages.write(TestImages.solid(90, 64, 0, 255, 0), data.resolve("green/sub/g2.bmp"));
        TestImages.write(TestImages.solid(64, 64, 0, 0, 255), data.resolve("blue/b1.png"));
        TestImages.write(TestImages.solid(64, 99, 0, 0, 255), data.resolve("blue/b2.png"));
        TestImages.write(TestImages.solid(64, 64, 255, 0, 0), data.resolve("blue/b3.png"));   // 6th: wrong
        Files.writeString(data.resolve("blue/b4_broken.png"), "not a png");

        ModelSpec spec = InferenceTestModels.spec("mean_colour", 7, c -> new MeanColourModel());
        try (Classifier c = new Classifier(Models.wrap(spec, new MeanColourModel(), Device.cpu()), null, 64, true)) {
            LabeledFolder folder = LabeledFolder.scan(data, dir.resolve("classes.txt"));
            assertEquals(List.of("red", "green", "blue"), folder.classes());
            Evaluator.Result r = new Evaluator(c, new BatchPredictor.Options(3, 2, 4, 5)).evaluate(folder, null);

            assertEquals(9, r.images());
            assertEquals(1, r.failures().size());
            assertTrue(r.failures().get(0).name().endsWith("b4_broken.png"));
            assertEquals(List.of("conv", "trans", "sum"), r.heads().stream().map(Evaluator.HeadAccuracy::name).toList());
            // sum = mean colour: r1 r2 g1 g2 b1 b2 right; r3 second (top-5); r4 and b3 ranked 7th and 6th
            assertCounts(r.heads().get(2), 6, 7, 9);
            assertCounts(r.heads().get(0), 6, 7, 9); // conv = 2 x mean colour: same ranking as the sum
            // trans = -mean colour: r4 (green labelled red) first, b3 (red labelled blue) second, the rest last
            assertCounts(r.heads().get(1), 1, 2, 9);
            assertEquals(100.0 * 6 / 9, r.prediction().top1Percent(), 1e-9);
            assertEquals(100.0 * 7 / 9, r.prediction().top5Percent(), 1e-9);
            assertTrue(r.imagesPerSecond() > 0);

            ConfusionMatrix m = r.confusion();
            assertEquals(7, m.size());
            assertEquals(List.of("red", "green", "blue", "class_3", "class_4", "class_5", "class_6"), m.labels());
            long[][] expected = new long[7][7];
            expected[0][0] = 2;
            expected[0][1] = 2;
            expected[1][1] = 2;
            expected[2][2] = 2;
            expected[2][0] = 1;
            for (int t = 0; t < 7; t++) {
                for (int p = 0; p < 7; p++) {
                    assertEquals(expected[t][p], m.get(t, p), "cell " + t + "," + p);
                }
            }
            assertEquals(9, m.total());
            assertEquals(6, m.correct());

            Path csv = dir.resolve("cm.csv");
            Path png = dir.resolve("cm.png");
            m.writeCsv(csv);
            m.writePng(png);
            List<String> lines = Files.readAllLines(csv);
            assertEquals("true\\predicted,red,green,blue,class_3,class_4,class_5,class_6", lines.get(0));
            assertEquals("red,2,2,0,0,0,0,0", lines.get(1));
            assertEquals("blue,1,0,2,0,0,0,0", lines.get(3));
            BufferedImage heat = ImageIO.read(png.toFile());
            assertTrue(heat.getWidth() > 7 * 20 && heat.getHeight() > 7 * 20);
        }
    }

    private static void assertCounts(Evaluator.HeadAccuracy h, long top1, long top5, long total) {
        assertEquals(top1, h.top1(), h.name() + " top-1");
        assertEquals(top5, h.top5(), h.name() + " top-5");
        assertEquals(total, h.total(), h.name() + " total");
    }
}
