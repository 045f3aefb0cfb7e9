package org.hybridvision.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import com.google.gson.JsonObject;
import org.hybridvision.checkpoint.Checkpoints;
import org.hybridvision.checkpoint.StateDict;
import org.hybridvision.checkpoint.WeightLoader;
import org.hybridvision.layers.Module.Ctx;
import org.hybridvision.testutil.Golden;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Weight-for-weight parity with the official PyTorch Conformer on {@code golden/conformer_mini} (a 6-stage model on
 * a non-square 64x96 input): both heads in eval mode, every hooked intermediate, and one train-mode pass with the
 * BatchNorm buffers it leaves behind.
 */
class ConformerGoldenTest {
    static final double TOL = 1e-4;
    static final Golden GOLDEN = Golden.of("conformer_mini");
    static LoadedModel model;

    /** The official constructor arguments of the golden set (meta.json constructor_kwargs). */
    static Conformer.Config goldenConfig() throws Exception {
        JsonObject kw = GOLDEN.meta().getAsJsonObject("constructor_kwargs");
        return new Conformer.Config(kw.get("patch_size").getAsInt(), kw.get("channel_ratio").getAsDouble(),
                kw.get("embed_dim").getAsInt(), kw.get("depth").getAsInt(), kw.get("num_heads").getAsInt(),
                kw.get("mlp_ratio").getAsDouble(), kw.get("qkv_bias").getAsBoolean(),
                kw.get("num_classes").getAsInt(), 0f);
    }

    @BeforeAll
    static void load() throws Exception {
        model = Models.wrap(Models.spec("conformer_tiny_patch16"), new Conformer(goldenConfig()),
                ai.djl.Device.cpu());
        WeightLoader.Report r = Checkpoints.loadWeights(model, GOLDEN.file("weights.pth"), true);
        assertEquals(364, r.loaded().size());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** Restores the golden weights (a train-mode pass changes the BatchNorm buffers). */
    static void reload() {
        Checkpoints.loadWeights(model, GOLDEN.file("weights.pth"), true);
    }

    @Test
    void evalLogitsOfBothHeadsMatch() {
        reload();
        try (NDManager m = model.manager().newSubManager()) {
            NDArray x = GOLDEN.npy(m, "input.npy");
            ClassificationModel.Output out = model.net().forwardHeads(Ctx.eval(m), x);
            Golden.assertClose(GOLDEN.npy(m, "output_conv.npy"), out.heads().get("conv"), TOL, "conv head");
            Golden.assertClose(GOLDEN.npy(m, "output_trans.npy"), out.heads().get("trans"), TOL, "trans head");
            NDArray sum = GOLDEN.npy(m, "output_conv.npy").add(GOLDEN.npy(m, "output_trans.npy"));
            Golden.assertClose(sum, out.logits(), TOL, "sum (the prediction)");
        }
    }

    @Test
    void everyIntermediateMatches() {
        reload();
        try (NDManager m = model.manager().newSubManager()) {
            NDArray x = GOLDEN.npy(m, "input.npy");
            Map<String, NDArray> trace = ((Conformer) model.net()).trace(Ctx.eval(m), x);
            List<String> names = List.of("maxpool", "conv_1", "trans_patch_conv", "trans_1", "conv_trans_2__out0",
                    "conv_trans_2__out1", "conv_trans_3__out0", "conv_trans_3__out1", "conv_trans_4__out0",
                    "conv_trans_4__out1", "conv_trans_5__out0", "conv_trans_5__out1", "conv_trans_6__out0",
                    "conv_trans_6__out1", "trans_norm");
            for (String n : names) {
                Golden.assertClose(GOLDEN.npy(m, "act_" + n + ".npy"), trace.get(n), TOL, n);
            }
        }
    }

    @Test
    void trainModePassMatchesOutputsAndBatchNormBuffers() {
        reload();
        try (NDManager m = model.manager().newSubManager()) {
            NDArray x = GOLDEN.npy(m, "input.npy");
            ClassificationModel.Output out = model.net().forwardHeads(Ctx.train(m), x);
            Golden.assertClose(GOLDEN.npy(m, "train_output_conv.npy"), out.heads().get("conv"), TOL, "train conv");
            Golden.assertClose(GOLDEN.npy(m, "train_output_trans.npy"), out.heads().get("trans"), TOL, "train trans");
            try (StateDict after = Checkpoints.read(GOLDEN.file("train_buffers_after.pth"), m)) {
                Map<String, Parameter> buffers = model.net().namedBuffers();
                assertEquals(buffers.keySet(), after.keys());
                for (Map.Entry<String, Parameter> e : buffers.entrySet()) {
                    NDArray mine = e.getValue().getArray();
                    if (e.getKey().endsWith("num_batches_tracked")) {
                        assertEquals(after.get(e.getKey()).getLong(), mine.getLong(), e.getKey());
                    } else {
                        Golden.assertClose(after.get(e.getKey()), mine.toType(DataType.FLOAT32, false), TOL,
                                e.getKey());
                    }
                }
            }
        } finally {
            reload();
        }
    }

    @Test
    void featuresAreTheFourCnnMapsAtStrides4To32() {
        try (NDManager m = model.manager().newSubManager()) {
            NDArray x = GOLDEN.npy(m, "input.npy");
            List<NDArray> f = model.net().features(Ctx.eval(m), x);
            assertEquals(4, f.size());
            long[][] want = {{2, 32, 16, 24}, {2, 64, 8, 12}, {2, 128, 4, 6}, {2, 128, 2, 3}};
            for (int i = 0; i < 4; i++) {
                assertTrue(java.util.Arrays.equals(want[i], f.get(i).getShape().getShape()), "feature " + i);
            }
            Map<String, NDArray> trace = ((Conformer) model.net()).trace(Ctx.eval(m), x);
            Golden.assertClose(trace.get("conv_trans_6__out0"), f.get(3), 0, "C5 is the last CNN map");
        }
    }

    @Test
    void gradientsReachTheStemThroughTheScopedStages() {
        reload();
        Parameter stem = model.net().namedParameters().get("conv1.weight");
        Parameter cls = model.net().namedParameters().get("cls_token");
        try (NDManager m = model.manager().newSubManager();
             ai.djl.training.GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
            NDArray x = GOLDEN.npy(m, "input.npy");
            ClassificationModel.Output out = model.net().forwardHeads(Ctx.eval(m), x);
            gc.backward(out.logits().sum());
            try (NDArray g = stem.getArray().getGradient(); NDArray gc2 = cls.getArray().getGradient()) {
                assertTrue(g.abs().sum().getFloat() > 0f, "stem conv gets a gradient");
                assertTrue(gc2.abs().sum().getFloat() > 0f, "class token gets a gradient");
            }
        } finally {
            for (Parameter p : model.net().namedParameters().values()) {
                try (NDArray g = p.getArray().getGradient()) {
                    g.subi(g);
                }
            }
        }
    }

    @Test
    void weightsPathResolves() {
        assertTrue(Path.of(GOLDEN.file("weights.pth").toString()).toFile().isFile());
    }
}
