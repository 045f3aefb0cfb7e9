package org.hybridvision.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.hybridvision.checkpoint.Checkpoints;
import org.hybridvision.inference.TestImages;
import org.hybridvision.models.LoadedModel;
import org.hybridvision.models.Models;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvalInfoBenchCommandTest {

    @AfterAll
    static void restoreThreads() {
        CliSupport.applyThreads(0);
    }

    @Test
    void evalWritesAccuracyAndConfusionMatrix(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        String[] classes = {"ant", "bee", "cat"};
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 2; i++) {
                TestImages.write(TestImages.picture(150, 120, 10 * c + i), data.resolve(classes[c] + "/" + i + ".jpg"));
            }
        }
        Files.writeString(data.resolve("cat/broken.jpg"), "oops");
        Path weights = dir.resolve("cmt3.safetensors");
        try (LoadedModel m = Models.create("cmt_ti", 3)) {
            Checkpoints.save(m, weights, List.of(classes), null);
        }
        Path out = dir.resolve("report");
        CliRunner.Result r = CliRunner.run("eval", "--model", "cmt_ti", "--weights", weights.toString(), "--data",
                data.toString(), "--out", out.toString(), "--batch", "4", "--format", "json");
        assertEquals(CliSupport.EXIT_SKIPPED, r.exit(), r.err());
        assertTrue(r.err().contains("broken.jpg"));
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(6, o.get("images").getAsInt());
        assertEquals(1, o.get("skipped").getAsInt());
        JsonObject logits = o.getAsJsonObject("heads").getAsJsonObject("logits");
        int top1 = logits.get("top1").getAsInt();
        assertTrue(top1 >= 0 && top1 <= 6);
        assertEquals(6, logits.get("top5").getAsInt(), "3 classes: the true one is always in the top 5");
        assertTrue(o.get("images_per_s").getAsDouble() > 0);
        List<String> csv = Files.readAllLines(out.resolve("confusion_matrix.csv"));
        assertEquals("true\\predicted,ant,bee,cat", csv.get(0));
        long diagonal = 0;
        long total = 0;
        for (int i = 1; i <= 3; i++) {
            String[] cells = csv.get(i).split(",");
            for (int j = 1; j <= 3; j++) {
                total += Long.parseLong(cells[j]);
                diagonal += i == j ? Long.parseLong(cells[j]) : 0;
            }
        }
        assertEquals(6, total);
        assertEquals(top1, diagonal, "confusion diagonal = top-1 count");
        assertNotNull(ImageIO.read(out.resolve("confusion_matrix.png").toFile()));
        assertTrue(Files.exists(out.resolve("eval.json")));

        CliRunner.Result text = CliRunner.run("eval", "--model", "cmt_ti", "--weights", weights.toString(), "--data",
                data.toString(), "--out", out.toString());
        assertEquals(CliSupport.EXIT_SKIPPED, text.exit());
        assertTrue(text.out().contains("logits") && text.out().contains("images/s"), text.out());

        CliRunner.Result missing = CliRunner.run("eval", "--model", "cmt_ti", "--data", dir.resolve("nope").toString());
        assertEquals(Main.EXIT_USER_ERROR, missing.exit());
    }

    @Test
    void infoReportsStagesTotalsAndTransform() {
        CliRunner.Result json = CliRunner.run("info", "conformer_tiny_patch16", "--format", "json");
        assertEquals(0, json.exit(), json.err());
        JsonObject o = JsonParser.parseString(json.out()).getAsJsonObject();
        assertEquals(5.226, o.get("gmacs").getAsDouble(), 5.226 * 0.02);
        assertEquals(23_524_704L, o.get("parameters").getAsLong());
        assertEquals(List.of("stem", "c1-c4", "c5-c8", "c9-c12", "head"),
                List.copyOf(o.getAsJsonObject("stages").keySet()));

        CliRunner.Result text = CliRunner.run("info", "cmt_ti");
        assertEquals(0, text.exit(), text.err());
        assertTrue(text.out().contains("Resize shorter side to 182"), text.out());
        assertTrue(text.out().contains("CenterCrop 160x160"), text.out());
        assertTrue(text.out().contains("multiples of 32"), text.out());
        for (String stage : new String[] {"stem", "stage_a", "stage_b", "stage_c", "stage_d", "head", "total"}) {
            assertTrue(text.out().contains(stage), stage);
        }

        CliRunner.Result bad = CliRunner.run("info", "vit_b16");
        assertEquals(Main.EXIT_USER_ERROR, bad.exit());
    }

    @Test
    void benchPrintsOneJsonLinePerConfigurationWithTheThreadsInEffect() {
        CliRunner.Result r = CliRunner.run("bench", "--in-process", "--model", "cmt_ti", "--batch", "2", "--threads",
                "1", "--iters", "2", "--warmup", "1", "--size", "64");
        assertEquals(0, r.exit(), r.err());
        assertEquals(1, r.outLines().size(), r.out());
        JsonObject o = JsonParser.parseString(r.outLines().get(0)).getAsJsonObject();
        assertEquals("cmt_ti", o.get("model").getAsString());
        assertEquals(2, o.get("batch").getAsInt());
        assertEquals(1, o.get("threads").getAsInt(), "read back from libtorch");
        assertEquals(64, o.get("input").getAsInt());
        assertEquals("PyTorch", o.get("engine").getAsString());
        assertEquals("2.7.1", o.get("engine_version").getAsString());
        assertTrue(o.getAsJsonObject("images_per_s").get("median").getAsDouble() > 0);
        assertTrue(o.getAsJsonObject("latency_ms").get("p90").getAsDouble() > 0);
        assertTrue(o.get("peak_rss_mb").getAsDouble() > 0);
        assertEquals("1", o.getAsJsonObject("settings").get("ai.djl.pytorch.num_threads").getAsString());
    }

    @Test
    void severalConfigurationsRunInFreshJvms() {
        CliRunner.Result r = CliRunner.run("bench", "--model", "cmt_ti", "--batch", "1,2", "--threads", "1",
                "--iters", "1", "--warmup", "0", "--size", "64");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.outLines();
        assertEquals(2, lines.size(), r.out());
        for (int i = 0; i < 2; i++) {
            JsonObject o = JsonParser.parseString(lines.get(i)).getAsJsonObject();
            assertEquals(i + 1, o.get("batch").getAsInt());
            assertEquals(1, o.get("threads").getAsInt());
            assertEquals(1, o.get("interop_threads").getAsInt());
            assertEquals("PASSIVE", o.getAsJsonObject("settings").get("OMP_WAIT_POLICY").getAsString());
        }
    }

    @Test
    void trainingStepsUnderTwoWaitPoliciesInOneRun() {
        CliRunner.Result r = CliRunner.run("bench", "--train", "--model", "conformer_fashion48", "--batch", "4",
                "--threads", "1", "--iters", "2", "--warmup", "1", "--omp-wait-policy", "PASSIVE,default");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.outLines();
        assertEquals(2, lines.size(), r.out());
        for (int i = 0; i < 2; i++) {
            JsonObject o = JsonParser.parseString(lines.get(i)).getAsJsonObject();
            assertEquals("train", o.get("mode").getAsString());
            assertEquals(48, o.get("input").getAsInt());
            assertTrue(o.getAsJsonObject("images_per_s").get("median").getAsDouble() > 0);
        }
        JsonObject passive = JsonParser.parseString(lines.get(0)).getAsJsonObject().getAsJsonObject("settings");
        JsonObject unset = JsonParser.parseString(lines.get(1)).getAsJsonObject().getAsJsonObject("settings");
        assertEquals("PASSIVE", passive.get("OMP_WAIT_POLICY").getAsString());
        assertTrue(unset.get("OMP_WAIT_POLICY") == null || unset.get("OMP_WAIT_POLICY").isJsonNull(),
                "'default' leaves the policy unset: " + unset);
    }

    @Test
    void trainingStepsOnOneAndTwoReplicasInOneRun() {
        CliRunner.Result r = CliRunner.run("bench", "--train", "--in-process", "--model", "conformer_fashion48",
                "--batch", "4", "--threads", "2", "--iters", "2", "--warmup", "1", "--replicas", "1,2");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.outLines();
        assertEquals(2, lines.size(), r.out());
        for (int i = 0; i < 2; i++) {
            JsonObject o = JsonParser.parseString(lines.get(i)).getAsJsonObject();
            assertEquals(i + 1, o.get("replicas").getAsInt());
            assertTrue(o.getAsJsonObject("images_per_s").get("median").getAsDouble() > 0);
        }
        CliRunner.Result bad = CliRunner.run("bench", "--train", "--in-process", "--model", "conformer_fashion48",
                "--batch", "4", "--threads", "1", "--iters", "1", "--warmup", "0", "--replicas", "2");
        assertTrue(bad.exit() != 0 && bad.err().contains("--replicas 2"), bad.err());
    }
}
