package org.hybridvision.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code detect eval} on the pycocotools reference cases, and the {@code detect} parent command. */
class DetectEvalCommandTest {
    @TempDir
    Path dir;

    static Path resource(String name) {
        try {
            return Path.of(DetectEvalCommandTest.class.getResource("/detection/coco/eval/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonObject reference() throws IOException {
        return JsonParser.parseString(Files.readString(resource("reference.json"))).getAsJsonObject();
    }

    @Test
    void printsWhatPycocotoolsPrints() throws IOException {
        Path json = dir.resolve("out/eval.json");
        Path csv = dir.resolve("out/ap.csv");
        CliRunner.Result r = CliRunner.run("detect", "eval", "--gt", resource("boxes_gt.json").toString(),
                "--detections", resource("boxes_results.json").toString(), "--out", json.toString(), "--csv",
                csv.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("Evaluate annotation type *bbox*\n" + reference().getAsJsonObject("boxes")
                .get("summary").getAsString()), r.out());
        assertFalse(r.out().contains("*segm*"));
        assertTrue(r.out().contains("class11"), r.out()); // the per-category table
        assertTrue(r.err().contains("category id(s) 99"), r.err()); // the detection of a category not in the gt
        JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        assertEquals(reference().getAsJsonObject("boxes").getAsJsonArray("stats").get(0).getAsDouble(),
                o.getAsJsonObject("bbox").getAsJsonObject("stats").get("AP").getAsDouble(), 1e-12);
        List<String> lines = Files.readAllLines(csv);
        assertEquals("iou_type,category_id,name,objects,AP,AP50,AP75", lines.get(0));
        assertEquals(6, lines.size());
        assertTrue(lines.get(1).startsWith("bbox,1,class1,"), lines.get(1));
    }

    @Test
    void masksGiveBothIouTypes() throws IOException {
        CliRunner.Result r = CliRunner.run("detect", "eval", "--gt", resource("masks_gt.json").toString(),
                "--detections", resource("masks_results.json").toString(), "--no-per-category");
        assertEquals(0, r.exit(), r.err());
        JsonObject ref = reference();
        assertTrue(r.out().contains("Evaluate annotation type *bbox*\n"
                + ref.getAsJsonObject("masks_bbox").get("summary").getAsString()
                + "Evaluate annotation type *segm*\n"
                + ref.getAsJsonObject("masks_segm").get("summary").getAsString()), r.out());
        assertFalse(r.out().contains("AP per category"));
    }

    @Test
    void badInputIsAClearError() throws IOException {
        CliRunner.Result r = CliRunner.run("detect", "eval", "--gt", resource("boxes_gt.json").toString());
        assertEquals(Main.EXIT_USER_ERROR, r.exit());
        assertTrue(r.err().contains("needs --detections"), r.err());

        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "[{\"image_id\": 3, ");
        r = CliRunner.run("detect", "eval", "--gt", resource("boxes_gt.json").toString(), "--detections",
                broken.toString());
        assertEquals(Main.EXIT_USER_ERROR, r.exit());
        assertTrue(r.err().contains("broken.json"), r.err());

        r = CliRunner.run("detect", "eval", "--gt", resource("masks_gt.json").toString(), "--detections",
                resource("boxes_results.json").toString());
        assertEquals(Main.EXIT_USER_ERROR, r.exit());
        assertTrue(r.err().contains("another annotation file"), r.err());

        r = CliRunner.run("detect", "eval", "--gt", resource("boxes_gt.json").toString(), "--detections",
                resource("masks_results.json").toString());
        assertEquals(Main.EXIT_USER_ERROR, r.exit());
        assertTrue(r.err().contains("segmentation RLE has size [232, 239] but the image is 598 x 539"), r.err());

        r = CliRunner.run("detect");
        assertEquals(Main.EXIT_USER_ERROR, r.exit());
        assertTrue(r.err().contains("detect needs a sub-command: eval"), r.err());
    }

    @Test
    void everyDetectOptionIsDescribed() {
        CommandLine detect = new CommandLine(new Main()).getSubcommands().get("detect");
        walk(detect);
    }

    private static void walk(CommandLine cmd) {
        for (CommandLine.Model.OptionSpec o : cmd.getCommandSpec().options()) {
            String d = String.join(" ", o.description());
            assertFalse(d.isBlank(), cmd.getCommandName() + " " + o.longestName() + " has no description");
        }
        for (CommandLine sub : cmd.getSubcommands().values()) {
            walk(sub);
        }
    }
}
