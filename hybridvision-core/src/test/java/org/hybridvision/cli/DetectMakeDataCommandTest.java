package org.hybridvision.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hybridvision.detection.coco.CocoDataset;
import org.hybridvision.detection.coco.synthetic.StampCategory;
import org.hybridvision.detection.coco.synthetic.StampDataGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** {@code detect make-data} with stand-in stamps at the default stamp paths and the committed test photos. */
class DetectMakeDataCommandTest {
    @TempDir
    Path dir;

    /** Writes an opaque disk of some colour at every stamp path of the first {@code k} default categories. */
    Path fakeStamps(int k) throws IOException {
        Path root = dir.resolve("stamps");
        int colour = 0x204080;
        for (StampCategory c : StampCategory.defaults().subList(0, k)) {
            for (String f : c.stamps()) {
                BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_ARGB);
                colour = (colour * 31 + 0x1337) & 0xFFFFFF;
                for (int y = 0; y < 30; y++) {
                    for (int x = 0; x < 40; x++) {
                        double u = (x - 19.5) / 18;
                        double v = (y - 14.5) / 13;
                        if (u * u + v * v <= 1) {
                            img.setRGB(x, y, 0xFF000000 | colour);
                        }
                    }
                }
                Path p = root.resolve(f);
                Files.createDirectories(p.getParent());
                ImageIO.write(img, "png", p.toFile());
            }
        }
        return root;
    }

    static Path photos() throws URISyntaxException {
        return Path.of(DetectMakeDataCommandTest.class.getResource("/data/photos/dog.jpg").toURI()).getParent();
    }

    @Test
    void makesAndReusesADataSet() throws Exception {
        Path out = dir.resolve("ds");
        String[] args = {"detect", "make-data", "--out", out.toString(), "--stamps", fakeStamps(3).toString(),
            "--backgrounds", photos().toString(), "--train", "4", "--val", "2", "--size", "96x64",
            "--categories", "3", "--no-progress", "--seed", "5"};
        CliRunner.Result r = CliRunner.run(args);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("4 training images") && r.out().contains("bird, fish, insect"), r.out());
        CocoDataset train = CocoDataset.read(out.resolve("annotations/instances_train.json"), out.resolve("train"));
        assertTrue(train.report().isClean(), train.report().summary(5));
        assertEquals(4, train.images().size());
        assertEquals(64, train.images().get(0).height());
        assertEquals(3, train.categories().size());

        r = CliRunner.run(args);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("already made"), r.out());
    }

    @Test
    void commandDefaultsAreTheGeneratorDefaults() {
        DetectMakeDataCommand c = new DetectMakeDataCommand();
        new picocli.CommandLine(c).parseArgs();
        int[] wh = DetectMakeDataCommand.parseSize(c.size);
        StampDataGenerator.Settings fromCli = new StampDataGenerator.Settings(c.seed, c.train, c.val, wh[0], wh[1],
                c.minObjects, c.maxObjects, c.minSize, c.maxSize, c.minVisible, c.categories, c.jpegQuality);
        assertEquals(StampDataGenerator.Settings.defaults(), fromCli);
    }

    @Test
    void badOptionsAreClearErrors() throws Exception {
        CliRunner.Result r = CliRunner.run("detect", "make-data", "--out", dir.resolve("x").toString(), "--size",
                "big");
        assertEquals(Main.EXIT_USER_ERROR, r.exit());
        assertTrue(r.err().contains("--size must be"), r.err());
        r = CliRunner.run("detect", "make-data", "--out", dir.resolve("x").toString(), "--categories", "20");
        assertEquals(Main.EXIT_USER_ERROR, r.exit());
        assertTrue(r.err().contains("--categories must be 1..14"), r.err());
        r = CliRunner.run("detect", "make-data", "--out", dir.resolve("x").toString(), "--stamps",
                dir.resolve("nothing").toString(), "--backgrounds", photos().toString());
        assertEquals(Main.EXIT_USER_ERROR, r.exit());
        assertTrue(r.err().contains("does not exist"), r.err());
    }
}
