package org.hybridvision.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.hybridvision.HybridVisionException;
import org.hybridvision.checkpoint.CheckpointException;
import org.hybridvision.checkpoint.Checkpoints;
import org.hybridvision.checkpoint.WeightLoader;
import org.hybridvision.testutil.Golden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Saving and loading the model's own weights, and every way a checkpoint or an input can be wrong. */
class ModelCheckpointTest {
    static final Golden GOLDEN = Golden.of("conformer_mini");

    static LoadedModel mini(int classes) throws Exception {
        Conformer.Config c = ConformerGoldenTest.goldenConfig().withNumClasses(classes);
        return Models.wrap(Models.spec("conformer_tiny_patch16"), new Conformer(c), Device.cpu());
    }

    @Test
    void safetensorsRoundTripGivesIdenticalLogits(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mini.safetensors");
        float[] before;
        try (LoadedModel a = mini(10); NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(7);
            Checkpoints.loadWeights(a, GOLDEN.file("weights.pth"), true);
            NDArray x = GOLDEN.npy(m, "input.npy");
            before = a.net().infer(x).logits().toFloatArray();
            Checkpoints.save(a, file, List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"), Map.of("note", "t"));
        }
        Map<String, String> meta = Checkpoints.readMetadata(file);
        assertEquals("conformer_tiny_patch16", meta.get(Checkpoints.META_MODEL));
        assertEquals("10", meta.get(Checkpoints.META_NUM_CLASSES));
        assertEquals("t", meta.get("note"));
        assertEquals(List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"), Checkpoints.classNames(meta));
        try (LoadedModel b = mini(10); NDManager m = NDManager.newBaseManager()) {
            WeightLoader.Report r = Checkpoints.loadWeights(b, file, true);
            assertTrue(r.exact());
            assertEquals(364, r.loaded().size());
            float[] after = b.net().infer(GOLDEN.npy(m, "input.npy")).logits().toFloatArray();
            assertArrayEquals(before, after, 0f, "bit-identical logits after a safetensors round trip");
            assertEquals(1000L, b.net().namedBuffers().get("bn1.num_batches_tracked").getArray().getLong());
        }
    }

    @Test
    void strictLoadNamesEveryMismatchAndChangesNothing() throws Exception {
        try (LoadedModel other = mini(7)) {
            float[] w0 = other.net().namedParameters().get("conv1.weight").getArray().toFloatArray();
            CheckpointException e = assertThrows(CheckpointException.class,
                    () -> Checkpoints.loadWeights(other, GOLDEN.file("weights.pth"), true));
            assertTrue(e.getMessage().contains("trans_cls_head.weight: checkpoint (10, 48) vs model (7, 48)"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("conv_cls_head.bias"), e.getMessage());
            assertArrayEquals(w0, other.net().namedParameters().get("conv1.weight").getArray().toFloatArray(), 0f,
                    "a failed strict load leaves the model untouched");
        }
    }

    @Test
    void nonStrictLoadForFineTuningReportsTheSkippedHeads() throws Exception {
        try (LoadedModel other = mini(7)) {
            WeightLoader.Report r = Checkpoints.loadWeights(other, GOLDEN.file("weights.pth"), false);
            assertEquals(4, r.mismatched().size());
            assertEquals(360, r.loaded().size());
            assertTrue(r.missing().isEmpty() && r.unexpected().isEmpty());
            assertFalse(r.exact());
        }
    }

    @Test
    void aCheckpointOfAnotherVariantIsRejectedWithItsKeys() throws Exception {
        // the mini checkpoint (depth 6, E 48) loaded into Conformer-Ti: stages 7..12 are missing, shapes differ
        try (LoadedModel ti = Models.create("conformer_tiny_patch16")) {
            CheckpointException e = assertThrows(CheckpointException.class,
                    () -> Checkpoints.loadWeights(ti, GOLDEN.file("weights.pth"), true));
            assertTrue(e.getMessage().contains("missing from the checkpoint"), e.getMessage());
            assertTrue(e.getMessage().contains("wrong shape"), e.getMessage());
            assertTrue(e.getMessage().contains("conv_trans_7."), e.getMessage());
        }
    }

    @Test
    void corruptAndForeignFilesGiveOneClearMessage(@TempDir Path dir) throws Exception {
        byte[] good = Files.readAllBytes(GOLDEN.file("weights.pth"));
        Path truncated = dir.resolve("truncated.pth");
        Files.write(truncated, Arrays.copyOf(good, good.length / 2));
        Path text = dir.resolve("notes.pth");
        Files.writeString(text, "this is not a checkpoint\n");
        Path empty = dir.resolve("empty.pth");
        Files.write(empty, new byte[0]);
        Path missing = dir.resolve("nope.pth");
        try (LoadedModel m = mini(10)) {
            for (Path p : List.of(truncated, text, empty, missing)) {
                CheckpointException e = assertThrows(CheckpointException.class,
                        () -> Checkpoints.loadWeights(m, p, true), p.toString());
                assertTrue(e.getMessage().contains(p.getFileName().toString()), e.getMessage());
            }
        }
    }

    @Test
    void wrongInputSizeAndUnknownNameAreClear() throws Exception {
        try (LoadedModel m = mini(10); NDManager s = NDManager.newBaseManager()) {
            HybridVisionException e = assertThrows(HybridVisionException.class,
                    () -> m.net().infer(s.zeros(new Shape(1, 3, 100, 96))));
            assertTrue(e.getMessage().contains("multiples of 16"), e.getMessage());
            assertThrows(HybridVisionException.class, () -> m.net().infer(s.zeros(new Shape(1, 1, 64, 64))));
            // any multiple of the patch size works, square or not
            assertEquals(2, m.net().infer(s.zeros(new Shape(2, 3, 32, 80))).logits().getShape().get(0));
        }
        HybridVisionException e = assertThrows(HybridVisionException.class, () -> Models.create("resnet50"));
        assertTrue(e.getMessage().contains("unknown model 'resnet50'"), e.getMessage());
    }
}
