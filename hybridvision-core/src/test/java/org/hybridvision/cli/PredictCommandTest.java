package org.hybridvision.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.hybridvision.checkpoint.Checkpoints;
import org.hybridvision.data.Npy;
import org.hybridvision.data.NpyArray;
import org.hybridvision.data.Npz;
import org.hybridvision.inference.Classifier;
import org.hybridvision.inference.TestImages;
import org.hybridvision.models.LoadedModel;
import org.hybridvision.models.Models;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PredictCommandTest {

    @Test
    void folderWithDamagedFilesClassifiesTheGoodOnesAndNamesTheBadOnes(@TempDir Path dir) throws Exception {
        String[] bad = TestImages.goodAndBadFolder(dir);
        CliRunner.Result r = CliRunner.run("predict", "--model", "cmt_ti", "--format", "json", "--batch", "2",
                "--top", "3", dir.toString());
        assertEquals(CliSupport.EXIT_SKIPPED, r.exit(), "exit status says something was skipped");
        assertTrue(r.err().contains("RANDOM weights"), "random weights are announced");
        List<JsonObject> lines = new ArrayList<>();
        for (String l : r.outLines()) {
            lines.add(JsonParser.parseString(l).getAsJsonObject());
        }
        assertEquals(7, lines.size(), r.out());
        long ok = lines.stream().filter(o -> o.has("top")).count();
        assertEquals(4, ok);
        for (JsonObject o : lines) {
            if (o.has("top")) {
                assertEquals(3, o.getAsJsonArray("top").size());
                assertFalse(o.getAsJsonArray("top").get(0).getAsJsonObject().get("label").getAsString().isEmpty());
            }
        }
        for (String b : bad) {
            assertTrue(r.err().contains("skipped " + dir.resolve(b)), "stderr names " + b + ":\n" + r.err());
            assertTrue(lines.stream().anyMatch(o -> o.has("error") && o.get("image").getAsString().endsWith(b)));
        }
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }

    @Test
    void tableAndCsvFormats(@TempDir Path dir) {
        Path img = TestImages.write(TestImages.picture(120, 100, 7), dir.resolve("pic.png"));
        CliRunner.Result csv = CliRunner.run("predict", "--model", "cmt_ti", "--format", "csv", "-k", "2",
                img.toString());
        assertEquals(0, csv.exit());
        assertEquals("image,rank,index,label,probability", csv.outLines().get(0));
        assertEquals(3, csv.outLines().size());
        assertTrue(csv.outLines().get(1).startsWith(img + ",1,"), csv.out());
        CliRunner.Result table = CliRunner.run("predict", "--model", "cmt_ti", img.toString());
        assertEquals(0, table.exit());
        assertTrue(table.outLines().get(0).matches("image\\s+rank\\s+index\\s+class\\s+prob"), table.out());
        assertEquals(6, table.outLines().size(), "header + top-5");
    }

    @Test
    void npyTensorsGiveEveryHeadsLogitsAndCheckpointClassNamesAreUsed(@TempDir Path dir) {
        Path weights = dir.resolve("tiny4.safetensors");
        int n = 2;
        float[] x = new float[n * 3 * 64 * 64];
        Random rnd = new Random(1);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        Map<String, float[]> expected;
        try (LoadedModel m = Models.create("conformer_tiny_patch16", 4)) {
            Checkpoints.save(m, weights, List.of("ant", "bee", "cat", "dog"), null);
            try (Classifier c = new Classifier(m, null, 224, false)) {
                expected = c.forward(x, n, 64, 64);
            }
        }
        Path in = dir.resolve("in.npy");
        Npy.write(in, NpyArray.of(x, n, 3, 64, 64));
        Path out = dir.resolve("out.npz");
        CliRunner.Result r = CliRunner.run("predict", "--model", "conformer_tiny_patch16", "--weights",
                weights.toString(), in.toString(), "--save-logits", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertFalse(r.err().contains("RANDOM"));
        Map<String, NpyArray> z = Npz.read(out);
        assertEquals(List.of("conv", "trans", "sum"), new ArrayList<>(z.keySet()));
        for (String k : z.keySet()) {
            assertEquals(List.of(2L, 4L), java.util.Arrays.stream(z.get(k).shape()).boxed().toList());
            float[] got = z.get(k).floats();
            for (int i = 0; i < got.length; i++) {
                assertEquals(expected.get(k)[i], got[i], 1e-5, k + "[" + i + "]");
            }
        }

        CliRunner.Result names = CliRunner.run("predict", "--model", "conformer_tiny_patch16", "--weights",
                weights.toString(), "--format", "csv", in.toString());
        assertEquals(0, names.exit(), names.err());
        assertEquals(1 + 2 * 4, names.outLines().size(), "top-5 clamps to the 4 classes");
        assertTrue(names.outLines().get(1).matches(".*in\\.npy\\[0],1,\\d,(ant|bee|cat|dog),.*"), names.out());

        CliRunner.Result wrongModel = CliRunner.run("predict", "--model", "cmt_ti", "--weights", weights.toString(),
                in.toString());
        assertEquals(Main.EXIT_USER_ERROR, wrongModel.exit());
        assertTrue(wrongModel.err().contains("use --model conformer_tiny_patch16"), wrongModel.err());
    }

    @Test
    void wrongTensorSizeIsOneClearMessage(@TempDir Path dir) {
        Path in = dir.resolve("bad.npy");
        Npy.write(in, NpyArray.of(new float[3 * 50 * 50], 1, 3, 50, 50));
        CliRunner.Result r = CliRunner.run("predict", "--model", "conformer_tiny_patch16", in.toString(),
                "--save-logits", dir.resolve("o.npz").toString());
        assertEquals(Main.EXIT_USER_ERROR, r.exit());
        List<String> errors = r.err().lines().filter(l -> l.startsWith("error:")).toList();
        assertEquals(1, errors.size(), r.err());
        assertTrue(errors.get(0).contains("multiples of 16"), errors.get(0));
        assertFalse(r.err().contains("\tat "), "no stack trace");

        Path grey = dir.resolve("grey.npy");
        Npy.write(grey, NpyArray.of(new float[64 * 64], 1, 1, 64, 64));
        CliRunner.Result g = CliRunner.run("predict", "--model", "cmt_ti", grey.toString());
        assertEquals(Main.EXIT_USER_ERROR, g.exit());
        assertTrue(g.err().contains("expected float32 [N, 3, H, W]"), g.err());

        CliRunner.Result unknown = CliRunner.run("predict", "--model", "resnet50", in.toString());
        assertEquals(Main.EXIT_USER_ERROR, unknown.exit());
        assertTrue(unknown.err().contains("unknown model 'resnet50'"), unknown.err());
    }
}
