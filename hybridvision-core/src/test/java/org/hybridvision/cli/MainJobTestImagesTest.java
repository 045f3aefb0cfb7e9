package org.hybridvision.cli;

import org.hybridvision.checkpoint.Checkpoints;
import org.hybridvision.data.IdxDataset;
import org.hybridvision.data.ImageDataset;
import org.hybridvision.models.LoadedModel;
import org.hybridvision.train.Presets;
import org.hybridvision.train.RunCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The test images the main job leaves in its run folder are an ImageFolder that {@code predict} and {@code eval}
 * read, and {@code predict} on them with the saved weights gives the main job's own example predictions (same
 * transform, same classes).
 */
class MainJobTestImagesTest {

    @Test
    void predictOnTheSavedTestImagesRepeatsTheMainJobsExamples(@TempDir Path tmp) throws Exception {
        NativeNoiseMain.writeIdx(tmp, "t10k", 20, 5);
        List<String> classes = IdxDataset.FASHION_MNIST_CLASSES;
        ImageDataset test = IdxDataset.open(tmp.resolve("t10k-images-idx3-ubyte"),
                tmp.resolve("t10k-labels-idx1-ubyte"), classes);
        Path run = Files.createDirectories(tmp.resolve("run"));
        try (LoadedModel m = Presets.build(Presets.FASHION_CONFORMER, classes.size(), 0f, 48)) {
            Checkpoints.save(m, run.resolve(RunCheckpoint.WEIGHTS), classes, Map.of());
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        MainJob.examples(run, test, Presets.fashionRecipe(1), new PrintStream(buf, true, StandardCharsets.UTF_8));
        Path images = MainJob.saveTestImages(run, test, 100);
        assertEquals(List.of("T-shirt_top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
                "Bag", "Ankle_boot"), Files.readAllLines(images.resolve("classes.txt")));

        CliRunner.Result p = CliRunner.run("predict", "--model", Presets.FASHION_CONFORMER, "--weights",
                run.resolve(RunCheckpoint.WEIGHTS).toString(), "--format", "csv", "-k", "10", images.toString());
        assertEquals(0, p.exit(), p.err());
        assertEquals(1 + 20 * 10, p.outLines().size(), p.out());
        Map<String, Double> prob = new HashMap<>(); // "index/class" -> probability, from predict
        Map<Integer, Double> best = new HashMap<>();
        Pattern row = Pattern.compile(".*t10k-(\\d{5})\\.png,\\d+,\\d+,(.+),([\\d.]+)");
        for (String line : p.outLines().subList(1, p.outLines().size())) {
            Matcher mt = row.matcher(line);
            assertTrue(mt.matches(), line);
            int i = Integer.parseInt(mt.group(1));
            double v = Double.parseDouble(mt.group(3));
            prob.put(i + "/" + mt.group(2).replace("\"", ""), v);
            best.merge(i, v, Math::max);
        }
        Pattern example = Pattern.compile("\\s*test #(\\d+)\\s+true (.+?)\\s+predicted (.+?)\\s+\\(([\\d.]+)%\\).*");
        int compared = 0;
        for (String line : buf.toString(StandardCharsets.UTF_8).lines().toList()) {
            Matcher mt = example.matcher(line);
            if (!mt.matches()) {
                continue;
            }
            int i = Integer.parseInt(mt.group(1));
            Double v = prob.get(i + "/" + mt.group(3));
            assertTrue(v != null, "predict lists class " + mt.group(3) + " for test image " + i);
            assertEquals(Double.parseDouble(mt.group(4)), 100 * v, 0.051, "probability of image " + i);
            assertTrue(v >= best.get(i) - 1e-4, "the main job's class is predict's top-1 for image " + i);
            compared++;
        }
        assertEquals(8, compared, buf.toString(StandardCharsets.UTF_8));

        CliRunner.Result e = CliRunner.run("eval", "--model", Presets.FASHION_CONFORMER, "--weights",
                run.resolve(RunCheckpoint.WEIGHTS).toString(), "--data", images.toString(), "--out",
                tmp.resolve("eval").toString());
        assertEquals(0, e.exit(), e.err());
        assertTrue(e.out().contains(": 20 images, 10 classes"), e.out());
    }
}
