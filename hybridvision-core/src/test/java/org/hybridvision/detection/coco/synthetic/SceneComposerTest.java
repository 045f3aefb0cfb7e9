package org.hybridvision.detection.coco.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hybridvision.data.ByteImage;
import org.hybridvision.data.Seeds;
import org.hybridvision.detection.coco.Rle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

/**
 * {@link SceneComposer} with stand-in stamps of pure colours: boxes are the masks' boxes, masks are the visible parts
 * (later pastes cover earlier ones), nothing is almost fully hidden, and a seed gives the same scene.
 */
class SceneComposerTest {
    @TempDir
    static Path dir;

    static StampLibrary stamps;
    static List<ByteImage> photos;

    @BeforeAll
    static void load() {
        stamps = StampLibrary.load(StampFixtures.writeStamps(dir.resolve("stamps")), StampFixtures.categories());
        photos = Backgrounds.load(StampFixtures.photos());
    }

    static SceneComposer composer(int maxObjects, double minVisible) {
        return new SceneComposer(stamps, photos,
                new SceneComposer.Options(128, 96, maxObjects, maxObjects, 0.2, 0.7, minVisible, 3.0));
    }

    @Test
    void boxesAreTheBoxesOfTheVisibleMasks() {
        SceneComposer c = composer(12, 0.3);
        int occluded = 0;
        int instances = 0;
        long allPure = 0;
        long allOwn = 0;
        for (int i = 0; i < 40; i++) {
            SceneComposer.Scene s = c.compose(Seeds.forSample(5, 0, i));
            ByteImage img = s.image();
            boolean[] taken = new boolean[128 * 96];
            for (SceneComposer.Instance inst : s.instances()) {
                instances++;
                assertEquals(inst.mask().boundingBox(), inst.box());
                assertEquals(inst.mask().area(), inst.area());
                assertTrue(inst.area() >= SceneComposer.MIN_PIXELS);
                boolean[] m = inst.mask().toMask();
                int own = 0;
                int pure = 0;
                for (int p = 0; p < m.length; p++) {
                    if (!m[p]) {
                        continue;
                    }
                    assertFalse(taken[p], "two instances own pixel " + p); // masks are disjoint
                    taken[p] = true;
                    own++;
                    int rgb = rgb(img, p);
                    pure += rgb == StampFixtures.COLOURS[inst.category()] ? 1 : 0;
                    for (int k = 0; k < StampFixtures.COLOURS.length; k++) {
                        // a visible pixel never shows another category's pure colour: what covers it is its owner
                        assertFalse(k != inst.category() && rgb == StampFixtures.COLOURS[k],
                                "scene " + i + ": pixel " + p + " of a " + inst.category() + " shows category " + k);
                    }
                }
                assertTrue(pure > 0, "scene " + i + ": mask shows its own colour somewhere: " + inst);
                allPure += pure;
                allOwn += own;
                // squares are opaque rectangles (up to their 4 antialiased corners): one that shows less than its
                // box is covered by something
                if (inst.category() == 0 && own < inst.box().area() - 4) {
                    occluded++;
                }
            }
        }
        assertTrue(instances > 150, "instances placed: " + instances);
        assertTrue(allPure > 0.7 * allOwn, "interior pixels show their stamp's colour: " + allPure + " / " + allOwn);
        assertTrue(occluded > 5, "occluded squares: " + occluded); // the test must see occlusion to mean anything
    }

    @Test
    void minVisibleOneMeansNoOcclusionAndNoTruncation() {
        SceneComposer c = composer(8, 1.0);
        for (int i = 0; i < 20; i++) {
            for (SceneComposer.Instance inst : c.compose(Seeds.forSample(9, 0, i)).instances()) {
                if (inst.category() == 0) { // an opaque square, fully visible: its mask fills its box but the corners
                    assertTrue(inst.area() >= inst.box().area() - 4, "square in scene " + i + ": " + inst);
                }
            }
        }
    }

    @Test
    void sameSeedSameScene() {
        SceneComposer c = composer(6, 0.4);
        SceneComposer.Scene a = c.compose(Seeds.forSample(1, 0, 3));
        SceneComposer.Scene b = c.compose(Seeds.forSample(1, 0, 3));
        assertArrayEquals(a.image().data(), b.image().data());
        assertEquals(a.instances(), b.instances());
        SceneComposer.Scene other = c.compose(Seeds.forSample(2, 0, 3));
        assertNotEquals(a.instances(), other.instances());
    }

    @Test
    void emptyScenesAreAllowed() {
        SceneComposer c = new SceneComposer(stamps, photos,
                new SceneComposer.Options(64, 64, 0, 0, 0.2, 0.5, 0.4, 3.0));
        SceneComposer.Scene s = c.compose(Seeds.forSample(1, 0, 0));
        assertEquals(0, s.instances().size());
        assertEquals(64, s.image().width());
        assertEquals(Rle.empty(2, 2).area(), 0);
    }

    private static int rgb(ByteImage img, int p) {
        byte[] d = img.data();
        return ((d[3 * p] & 0xFF) << 16) | ((d[3 * p + 1] & 0xFF) << 8) | (d[3 * p + 2] & 0xFF);
    }
}
