package org.hybridvision.detection.coco.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.hybridvision.HybridVisionException;
import org.hybridvision.data.Images;
import org.hybridvision.data.Seeds;
import org.hybridvision.detection.coco.CocoAnnotation;
import org.hybridvision.detection.coco.CocoDataset;
import org.hybridvision.detection.coco.CocoImage;
import org.hybridvision.detection.coco.Rle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@link StampDataGenerator}: files, COCO round trip without skips, determinism, reuse and refusal. */
class StampDataGeneratorTest {
    @TempDir
    Path dir;

    static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());

    static StampDataGenerator.Settings settings(long seed) {
        return new StampDataGenerator.Settings(seed, 8, 4, 96, 80, 1, 5, 0.15, 0.6, 0.4, 3, 92);
    }

    StampDataGenerator generator(int threads) {
        Path stamps = StampFixtures.writeStamps(dir.resolve("stamps"));
        return new StampDataGenerator(stamps, StampFixtures.categories(), StampFixtures.photos(), threads, QUIET);
    }

    @Test
    void writesACocoDataSetThatReadsBackClean() {
        StampDataGenerator.Result r = generator(2).generate(dir.resolve("ds"), settings(3), false, n -> { });
        assertFalse(r.reused());
        assertEquals(8, r.images()[0]);
        for (String split : new String[] {"train", "val"}) {
            Path ann = dir.resolve("ds/annotations/instances_" + split + ".json");
            CocoDataset d = CocoDataset.read(ann, dir.resolve("ds/" + split));
            assertTrue(d.report().isClean(), d.report().summary(10)); // no skips, no clipping, files present
            assertEquals(split.equals("train") ? 8 : 4, d.images().size());
            assertEquals(split.equals("train") ? r.objects()[0] : r.objects()[1], d.annotations().size());
            assertEquals(List.of("square", "disk", "triangle"), d.labels().names());
            for (CocoImage im : d.images()) {
                assertEquals(96, im.width());
                assertEquals(80, im.height());
                assertEquals(96, Images.read(dir.resolve("ds/" + split).resolve(im.fileName())).width());
                boolean[] taken = new boolean[96 * 80];
                for (CocoAnnotation a : d.annotationsOf(im.id())) {
                    Rle m = d.mask(a);
                    assertEquals(m.boundingBox(), a.bbox()); // boxes are the boxes of the masks
                    assertEquals(m.area(), a.area(), 0); // areas are the masks' pixel counts
                    assertFalse(a.crowd());
                    boolean[] px = m.toMask();
                    for (int p = 0; p < px.length; p++) {
                        assertFalse(px[p] && taken[p], "masks overlap in " + im.fileName());
                        taken[p] |= px[p];
                    }
                }
            }
        }
        assertTrue(r.objects()[0] > 8, "objects: " + r.objects()[0]);
        assertTrue(Files.isRegularFile(dir.resolve("ds/README.txt")));
        assertTrue(Files.isRegularFile(dir.resolve("ds/make-data.json")));
    }

    @Test
    void sameSeedSameFilesWhateverTheThreads() throws IOException {
        generator(1).generate(dir.resolve("a"), settings(7), false, n -> { });
        generator(3).generate(dir.resolve("b"), settings(7), false, n -> { });
        generator(2).generate(dir.resolve("c"), settings(8), false, n -> { });
        for (String f : new String[] {"annotations/instances_train.json", "annotations/instances_val.json",
            "train/000001.jpg", "train/000008.jpg", "val/000004.jpg"}) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(f)),
                    Files.readAllBytes(dir.resolve("b").resolve(f)), f);
        }
        assertNotEquals(Files.readString(dir.resolve("a/annotations/instances_train.json")),
                Files.readString(dir.resolve("c/annotations/instances_train.json")));
    }

    @Test
    void reusesACompleteDataSetAndRefusesToOverwrite() throws IOException {
        Path ds = dir.resolve("ds");
        StampDataGenerator g = generator(2);
        g.generate(ds, settings(1), false, n -> { });
        long stamp = Files.getLastModifiedTime(ds.resolve("annotations/instances_train.json")).toMillis();
        StampDataGenerator.Result again = g.generate(ds, settings(1), false, n -> { });
        assertTrue(again.reused());
        assertEquals(stamp, Files.getLastModifiedTime(ds.resolve("annotations/instances_train.json")).toMillis());
        assertTrue(StampDataGenerator.findExisting(ds, settings(1)) != null);
        assertTrue(StampDataGenerator.findExisting(ds, settings(2)) == null);

        HybridVisionException e = assertThrows(HybridVisionException.class,
                () -> g.generate(ds, settings(2), false, n -> { }));
        assertTrue(e.getMessage().contains("--force"), e.getMessage());
        StampDataGenerator.Result forced = g.generate(ds, settings(2), true, n -> { });
        assertFalse(forced.reused());

        Path foreign = dir.resolve("foreign");
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("thesis.tex"), "precious");
        e = assertThrows(HybridVisionException.class, () -> g.generate(foreign, settings(1), false, n -> { }));
        assertTrue(e.getMessage().contains("thesis.tex"), e.getMessage());
        assertEquals("precious", Files.readString(foreign.resolve("thesis.tex")));

        // an unfinished run of its own (no make-data.json) is simply made again
        Files.delete(ds.resolve("make-data.json"));
        assertFalse(g.generate(ds, settings(2), false, n -> { }).reused());
    }

    @Test
    void settingsAreChecked() {
        assertThrows(HybridVisionException.class,
                () -> new StampDataGenerator.Settings(1, 8, 4, 16, 80, 1, 5, 0.15, 0.6, 0.4, 3, 92));
        assertThrows(HybridVisionException.class,
                () -> new StampDataGenerator.Settings(1, 8, 4, 96, 80, 5, 1, 0.15, 0.6, 0.4, 3, 92));
        assertThrows(HybridVisionException.class,
                () -> new StampDataGenerator.Settings(1, 8, 4, 96, 80, 1, 5, 0.6, 0.15, 0.4, 3, 92));
        assertThrows(HybridVisionException.class,
                () -> new StampDataGenerator.Settings(1, 8, 4, 96, 80, 1, 5, 0.15, 0.6, 0, 3, 92));
        assertThrows(HybridVisionException.class,
                () -> new StampDataGenerator.Settings(1, 8, 4, 96, 80, 1, 5, 0.15, 0.6, 0.4, 15, 92));
        StampDataGenerator g = generator(1);
        HybridVisionException e = assertThrows(HybridVisionException.class, () -> g.generate(dir.resolve("x"),
                new StampDataGenerator.Settings(1, 2, 1, 96, 80, 1, 5, 0.15, 0.6, 0.4, 4, 92), false, n -> { }));
        assertTrue(e.getMessage().contains("only 3 categories"), e.getMessage());
    }

    @Test
    void missingStampIsNamed() throws IOException {
        Path stamps = StampFixtures.writeStamps(dir.resolve("stamps"));
        Files.delete(stamps.resolve("t/disk_b.png"));
        HybridVisionException e = assertThrows(HybridVisionException.class,
                () -> StampLibrary.load(stamps, StampFixtures.categories()));
        assertTrue(e.getMessage().contains("disk_b.png"), e.getMessage());
        e = assertThrows(HybridVisionException.class, () -> Backgrounds.load(StampFixtures.photos().subList(0, 2)));
        assertTrue(e.getMessage().contains("--backgrounds"), e.getMessage());
    }

    /** The real Tux Paint stamps, where the package is installed: every default stamp loads and composes. */
    @Test
    void defaultCategoriesLoadFromTuxPaint() {
        Path root = Path.of("/usr/share/tuxpaint/stamps");
        assumeTrue(Files.isDirectory(root), "tuxpaint-stamps-default is not installed");
        StampLibrary lib = StampLibrary.load(root, StampCategory.defaults());
        assertEquals(14, lib.categories());
        int stamps = 0;
        for (int c = 0; c < lib.categories(); c++) {
            stamps += lib.of(c).size();
            for (StampLibrary.Stamp s : lib.of(c)) {
                assertTrue(s.width() >= 16 && s.height() >= 16, s.file());
            }
        }
        assertEquals(93, stamps);
        SceneComposer c = new SceneComposer(lib, Backgrounds.load(StampFixtures.photos()),
                new SceneComposer.Options(256, 256, 4, 4, 0.1, 0.5, 0.4, 3.0));
        for (int i = 0; i < 5; i++) {
            for (SceneComposer.Instance inst : c.compose(Seeds.forSample(1, 0, i)).instances()) {
                assertEquals(inst.mask().boundingBox(), inst.box());
            }
        }
    }
}
