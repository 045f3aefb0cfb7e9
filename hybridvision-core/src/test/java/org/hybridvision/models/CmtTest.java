package org.hybridvision.models;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.hybridvision.HybridVisionException;
import org.hybridvision.checkpoint.Checkpoints;
import org.hybridvision.checkpoint.StateDict;
import org.hybridvision.checkpoint.TorchCheckpointReader;
import org.hybridvision.checkpoint.WeightLoader;
import org.hybridvision.data.Npy;
import org.hybridvision.layers.Module.Ctx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CMT: parameter counts and state-dict layout of the official variants, golden parity with the official PyTorch
 * code ({@code golden/cmt_mini}: eval logits, intermediates, train-mode logits and BatchNorm buffers), the
 * relative-position-bias resize (load time and run time), input-size checks and the stage features.
 */
class CmtTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden/cmt_mini");
    private static final double TOL = 1e-4;

    // ---------------------------------------------------------------- counts and layout

    @Test
    void parameterCountsAndEntryCountsEqualTheOfficialCode() {
        Object[][] expected = {
            {Cmt.Config.ti(), 9_492_426L, 708, "cmt_ti", 160},
            {Cmt.Config.xs(), 15_247_208L, 911, "cmt_xs", 192},
            {Cmt.Config.s(), 26_256_160L, 1079, "cmt_s", 224},
            {Cmt.Config.b(), 45_715_076L, 1366, "cmt_b", 256},
        };
        for (Object[] e : expected) {
            Cmt net = new Cmt((Cmt.Config) e[0]);
            assertEquals((long) e[1], net.parameterCount(), "parameters of " + e[3]);
            assertEquals((int) e[2], net.stateDictEntries().size(), "state-dict entries of " + e[3]);
            ModelSpec spec = Models.spec((String) e[3]);
            assertEquals("cmt", spec.family());
            assertEquals((int) e[4], spec.inputSize());
            assertEquals(0.875f, spec.cropPct());
            assertEquals((long) e[1], spec.paperParams());
            assertEquals((long) e[1], spec.build(1000).parameterCount());
            assertEquals(7L, ((Cmt) spec.build(7)).numClasses());
        }
        // spec B5: CMT-Ti built at 224 instead of 160 (larger relative-position biases)
        assertEquals(9_705_546L, new Cmt(Cmt.Config.ti().withImgSize(224)).parameterCount());
    }

    @Test
    void tiStateDictKeysAndShapesEqualSpecAppendixB() throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("src/test/resources/spec/cmt_ti_state_dict.tsv"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                rows.add(line.split("\t"));
            }
        }
        LinkedHashMap<String, Parameter> entries = new Cmt(Cmt.Config.ti()).stateDictEntries();
        assertEquals(rows.size(), entries.size());
        int i = 0;
        for (Map.Entry<String, Parameter> e : entries.entrySet()) {
            String[] row = rows.get(i++);
            assertEquals(row[0], e.getKey(), "key #" + i);
            assertEquals(parseShape(row[1]), e.getValue().getShape(), "shape of " + row[0]);
        }
    }

    @Test
    void miniStateDictEqualsTheGoldenOrderShapesAndDtypes() throws IOException {
        JsonObject meta = meta();
        Cmt net = miniModel(meta);
        JsonArray sd = meta.getAsJsonArray("state_dict");
        LinkedHashMap<String, Parameter> entries = net.stateDictEntries();
        assertEquals(sd.size(), entries.size());
        assertEquals(meta.get("param_count").getAsLong(), net.parameterCount());
        int i = 0;
        try (NDManager m = NDManager.newBaseManager()) {
            net.initializeTensors(m);
            for (Map.Entry<String, Parameter> e : entries.entrySet()) {
                JsonArray row = sd.get(i++).getAsJsonArray();
                assertEquals(row.get(0).getAsString(), e.getKey());
                assertEquals(new Shape(toLongs(row.get(1).getAsJsonArray())), e.getValue().getShape(), e.getKey());
                DataType want = row.get(2).getAsString().equals("int64") ? DataType.INT64 : DataType.FLOAT32;
                assertEquals(want, e.getValue().getArray().getDataType(), e.getKey());
            }
        }
    }

    // ---------------------------------------------------------------- golden parity

    @Test
    void evalLogitsAndIntermediatesMatchTheOfficialCode() throws IOException {
        JsonObject meta = meta();
        Cmt net = miniModel(meta);
        try (NDManager m = NDManager.newBaseManager(); StateDict sd = readPth(GOLDEN.resolve("weights.pth"), m)) {
            net.initializeTensors(m);
            WeightLoader.Report report = net.loadStateDict(sd.asMap(), true, "weights.pth");
            assertTrue(report.exact());
            NDArray input = npy(m, GOLDEN.resolve("input.npy"));
            Map<String, NDArray> acts = new HashMap<>();
            NDArray logits = net.forwardTraced(Ctx.eval(m), input, acts::put);
            StringBuilder summary = new StringBuilder();
            check("output_logits", npy(m, GOLDEN.resolve("output_logits.npy")), logits, summary);
            for (String name : meta.getAsJsonObject("activations").keySet()) {
                String module = name.substring(4, name.length() - 4).replace("__out0", "");
                NDArray got = acts.get(module);
                assertTrue(got != null, "no intermediate reported for " + module);
                check(name, npy(m, GOLDEN.resolve(name)), got, summary);
            }
            System.out.println("CMT golden eval, max abs error / max(1, max|ref|):\n" + summary);
            // the same through the Block API and forwardHeads
            assertTrue(maxErr(logits, net.forwardHeads(Ctx.eval(m), input).logits()) == 0.0);
        }
    }

    @Test
    void trainModeLogitsAndBatchNormBuffersMatchTheOfficialCode() throws IOException {
        Cmt net = miniModel(meta());
        try (NDManager m = NDManager.newBaseManager(); StateDict sd = readPth(GOLDEN.resolve("weights.pth"), m);
             StateDict after = readPth(GOLDEN.resolve("train_buffers_after.pth"), m)) {
            net.initializeTensors(m);
            net.loadStateDict(sd.asMap(), true, "weights.pth");
            NDArray input = npy(m, GOLDEN.resolve("input.npy"));
            NDArray logits = net.forwardHeads(Ctx.train(m), input).logits();
            StringBuilder summary = new StringBuilder();
            check("train_output_logits", npy(m, GOLDEN.resolve("train_output_logits.npy")), logits, summary);
            Map<String, Parameter> buffers = net.namedBuffers();
            assertEquals(after.size(), buffers.size());
            double worst = 0;
            for (Map.Entry<String, Parameter> e : buffers.entrySet()) {
                NDArray ref = after.require(e.getKey());
                NDArray got = e.getValue().getArray();
                if (e.getKey().endsWith("num_batches_tracked")) {
                    assertEquals(ref.toType(DataType.INT64, false).getLong(), got.getLong(), e.getKey());
                } else {
                    double err = maxErr(ref, got) / Math.max(1.0, ref.abs().max().getFloat());
                    worst = Math.max(worst, err);
                    assertTrue(err <= TOL, e.getKey() + " differs by " + err);
                }
            }
            System.out.println("CMT golden train mode:\n" + summary + "  buffers (" + buffers.size()
                    + "): worst " + worst);
        }
    }

    // ---------------------------------------------------------------- any resolution

    @Test
    void resizeAtTheSameSizeIsTheExactIdentity() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray bias = m.randomNormal(new Shape(4, 16, 4));
            NDArray same = Cmt.resizeRelativePositionBias(bias, 4, 4, 2, 2, 4, 4, 2, 2);
            assertSame(bias, same);
            Cmt net = miniModel(meta());
            try (StateDict sd = readPth(GOLDEN.resolve("weights.pth"), m)) {
                Map<String, NDArray> adapted = Cmt.adaptCheckpoint(sd.asMap(), net);
                for (String k : sd.keys()) {
                    assertSame(sd.get(k), adapted.get(k), k);
                }
                net.initializeTensors(m);
                net.loadStateDict(sd.asMap(), true, "weights.pth");
                for (String k : List.of("relative_pos_a", "relative_pos_b", "relative_pos_c", "relative_pos_d")) {
                    assertArrayEquals(sd.get(k).toFloatArray(), net.stateDictEntries().get(k).getArray()
                            .toFloatArray(), k);
                }
            }
        }
    }

    @Test
    void resizeIsSeparableAntialiasedBicubicOverQueriesThenKeys() {
        try (NDManager m = NDManager.newBaseManager()) {
            int[] from = {5, 6, 3, 2}; // hq, wq, hk, wk
            int[] to = {3, 8, 2, 3}; // shrink, grow, shrink, grow
            int nq = from[0] * from[1];
            int nk = from[2] * from[3];
            int mq = to[0] * to[1];
            int mk = to[2] * to[3];
            NDArray bias = m.randomNormal(new Shape(2, nq, nk));
            NDArray r = Cmt.resizeRelativePositionBias(bias, from[0], from[1], from[2], from[3], to[0], to[1], to[2],
                    to[3]);
            assertEquals(new Shape(2, mq, mk), r.getShape());
            double[][][] w = new double[4][][];
            for (int a = 0; a < 4; a++) {
                w[a] = bicubicAntialiasMatrix(to[a], from[a]);
            }
            float[] in = bias.toFloatArray();
            float[] out = r.toFloatArray();
            double worst = 0;
            for (int h = 0; h < 2; h++) {
                for (int q = 0; q < mq; q++) {
                    for (int k = 0; k < mk; k++) {
                        double want = 0;
                        for (int iq = 0; iq < nq; iq++) {
                            double wq = w[0][q / to[1]][iq / from[1]] * w[1][q % to[1]][iq % from[1]];
                            for (int ik = 0; ik < nk; ik++) {
                                want += wq * w[2][k / to[3]][ik / from[3]] * w[3][k % to[3]][ik % from[3]]
                                        * in[(h * nq + iq) * nk + ik];
                            }
                        }
                        worst = Math.max(worst, Math.abs(want - out[(h * mq + q) * mk + k]));
                    }
                }
            }
            assertTrue(worst < 1e-5, "antialiased bicubic reference differs by " + worst);
            // a constant bias stays constant (the weights are normalised)
            NDArray c = Cmt.resizeRelativePositionBias(m.full(new Shape(1, 16, 4), 0.75f), 4, 4, 2, 2, 6, 3, 3, 1);
            assertEquals(new Shape(1, 18, 3), c.getShape());
            assertTrue(c.sub(0.75f).abs().max().getFloat() < 1e-6f);
        }
    }

    /**
     * Resampling matrix {@code [out][in]} of PyTorch's {@code interpolate(mode="bicubic", align_corners=False,
     * antialias=True)} along one axis: centres {@code (o + 0.5) * in / out}, cubic filter a = -0.5 stretched by the
     * reduction factor when shrinking, window clipped to the input and weights renormalised.
     */
    private static double[][] bicubicAntialiasMatrix(int out, int in) {
        double scale = (double) in / out;
        double support = scale >= 1 ? 2 * scale : 2;
        double invScale = scale >= 1 ? 1 / scale : 1;
        double[][] mat = new double[out][in];
        for (int o = 0; o < out; o++) {
            double centre = scale * (o + 0.5);
            int xmin = Math.max((int) (centre - support + 0.5), 0);
            int xmax = Math.min((int) (centre + support + 0.5), in);
            double total = 0;
            for (int x = xmin; x < xmax; x++) {
                mat[o][x] = cubic((x - centre + 0.5) * invScale);
                total += mat[o][x];
            }
            for (int x = xmin; x < xmax; x++) {
                mat[o][x] /= total;
            }
        }
        return mat;
    }

    private static double cubic(double x) {
        double a = -0.5;
        x = Math.abs(x);
        if (x < 1) {
            return ((a + 2) * x - (a + 3)) * x * x + 1;
        }
        return x < 2 ? (((x - 5) * x + 8) * x - 4) * a : 0;
    }

    @Test
    void checkpointBuiltAt64LoadsIntoAModelBuiltAt96AndAgreesWithTheRunTimeResize() throws IOException {
        JsonObject meta = meta();
        Cmt at64 = miniModel(meta);
        Cmt at96 = new Cmt(at64.config().withImgSize(96));
        assertEquals(new Shape(1, 576, 9), at96.stateDictEntries().get("relative_pos_a").getShape());
        try (NDManager m = NDManager.newBaseManager(); StateDict sd = readPth(GOLDEN.resolve("weights.pth"), m)) {
            at64.initializeTensors(m);
            at96.initializeTensors(m);
            at64.loadStateDict(sd.asMap(), true, "weights.pth");
            // a plain strict load refuses the 64-px biases; the CMT load resizes them
            assertThrows(HybridVisionException.class, () -> WeightLoader.load(at96, sd.asMap(), true, "weights.pth"));
            assertTrue(at96.loadStateDict(sd.asMap(), true, "weights.pth").exact());
            NDArray img = m.randomNormal(new Shape(2, 3, 96, 96));
            NDArray native96 = at96.forwardHeads(Ctx.eval(m), img).logits();
            NDArray runTime = at64.forwardHeads(Ctx.eval(m), img).logits();
            assertEquals(new Shape(2, 10), native96.getShape());
            assertTrue(finite(native96));
            assertTrue(maxErr(native96, runTime) < 1e-5, "load-time and run-time resize disagree");
            // a half-precision checkpoint is resized in fp32
            Map<String, NDArray> half = new LinkedHashMap<>(sd.asMap());
            half.put("relative_pos_a", sd.get("relative_pos_a").toType(DataType.FLOAT16, true));
            NDArray fromHalf = Cmt.adaptCheckpoint(half, at96).get("relative_pos_a");
            assertEquals(new Shape(1, 576, 9), fromHalf.getShape());
            assertTrue(maxErr(fromHalf, at96.stateDictEntries().get("relative_pos_a").getArray()) < 1e-2);
            // and back: the 96-px model's biases adapted to 64 px
            Map<String, NDArray> back = new LinkedHashMap<>();
            at96.stateDictEntries().forEach((k, p) -> back.put(k, p.getArray()));
            Map<String, NDArray> to64 = Cmt.adaptCheckpoint(back, at64);
            assertEquals(new Shape(1, 256, 4), to64.get("relative_pos_a").getShape());
        }
    }

    @Test
    void tiCheckpointBuiltAt160LoadsIntoTiAt224ThroughTheCheckpointFrontDoor(@TempDir Path dir) {
        Path file = dir.resolve("cmt_ti_160.safetensors");
        float[] bias160;
        float[] head160;
        try (LoadedModel at160 = Models.create("cmt_ti")) {
            assertEquals(160, ((Cmt) at160.net()).config().imgSize());
            Checkpoints.save(at160, file, null, null);
            bias160 = at160.net().stateDictEntries().get("relative_pos_c").getArray().toFloatArray();
            head160 = at160.net().stateDictEntries().get("head.weight").getArray().toFloatArray();
        }
        Cmt ti224 = new Cmt(Cmt.Config.ti().withImgSize(224));
        try (LoadedModel at224 = Models.wrap(Models.spec("cmt_ti"), ti224, Device.cpu());
             NDManager m = NDManager.newBaseManager()) {
            WeightLoader.Report report = Checkpoints.loadWeights(at224, file, true);
            assertTrue(report.exact(), report.describeProblems());
            Map<String, Parameter> sd = ti224.stateDictEntries();
            assertEquals(new Shape(4, 196, 49), sd.get("relative_pos_c").getShape());
            assertArrayEquals(head160, sd.get("head.weight").getArray().toFloatArray());
            NDArray want = Cmt.resizeRelativePositionBias(m.create(bias160, new Shape(4, 100, 25)), 10, 10, 5, 5, 14,
                    14, 7, 7);
            assertArrayEquals(want.toFloatArray(), sd.get("relative_pos_c").getArray().toFloatArray());
            NDArray logits = ti224.forwardHeads(Ctx.eval(at224.manager()), m.randomNormal(new Shape(1, 3, 224, 224)))
                    .logits();
            assertEquals(new Shape(1, 1000), logits.getShape());
            assertTrue(finite(logits));
        }
    }

    @Test
    void runTimeResizeRunsOtherSquareAndNonSquareSizesWithoutTouchingTheModel() throws IOException {
        Cmt net = miniModel(meta());
        try (NDManager model = NDManager.newBaseManager(); StateDict sd = readPth(GOLDEN.resolve("weights.pth"), model)) {
            net.initializeTensors(model);
            net.loadStateDict(sd.asMap(), true, "weights.pth");
            float[] before = net.stateDictEntries().get("relative_pos_a").getArray().toFloatArray();
            int managed = model.getManagedArrays().size();
            for (long[] hw : new long[][] {{96, 96}, {64, 96}, {128, 32}}) {
                try (NDManager batch = NDManager.newBaseManager()) {
                    NDArray logits = net.forwardHeads(Ctx.eval(model), batch.randomNormal(new Shape(2, 3, hw[0],
                            hw[1]))).logits();
                    assertEquals(new Shape(2, 10), logits.getShape());
                    assertTrue(finite(logits), "non-finite logits at " + hw[0] + "x" + hw[1]);
                    // train mode too (the resize is differentiable and per batch)
                    NDArray train = net.forwardHeads(Ctx.train(model), batch.randomNormal(new Shape(2, 3, hw[0],
                            hw[1]))).logits();
                    assertTrue(finite(train));
                }
            }
            net.loadStateDict(sd.asMap(), true, "weights.pth"); // undo the train-mode statistics updates
            assertEquals(managed, model.getManagedArrays().size(), "per-batch tensors leaked into the model");
            assertArrayEquals(before, net.stateDictEntries().get("relative_pos_a").getArray().toFloatArray());
        }
    }

    @Test
    void impossibleSizesAndConfigurationsGiveClearErrors() throws IOException {
        Cmt net = miniModel(meta());
        try (NDManager m = NDManager.newBaseManager()) {
            net.initializeTensors(m);
            for (long[] hw : new long[][] {{50, 50}, {64, 80}, {16, 64}}) {
                HybridVisionException e = assertThrows(HybridVisionException.class, () -> net.forwardHeads(
                        Ctx.eval(m), m.zeros(new Shape(1, 3, hw[0], hw[1]))));
                assertTrue(e.getMessage().contains("multiples of 32"), e.getMessage());
                assertTrue(e.getMessage().contains(hw[0] + "x" + hw[1]), e.getMessage());
            }
            assertThrows(HybridVisionException.class, () -> net.forwardHeads(Ctx.eval(m), m.zeros(new Shape(1, 1,
                    64, 64))));
        }
        HybridVisionException e = assertThrows(HybridVisionException.class, () -> Cmt.Config.ti().withImgSize(200));
        assertTrue(e.getMessage().contains("multiple of 32"), e.getMessage());
        assertThrows(HybridVisionException.class, () -> new Cmt.Config(224, new int[] {46, 92, 184, 368}, 16,
                new int[] {1, 2, 4, 7}, new double[] {3.6, 3.6, 3.6, 3.6}, new int[] {2, 2, 10, 2},
                new int[] {8, 4, 2, 1}, 1280, 1000, 0f, 0.1f));
        assertThrows(HybridVisionException.class, () -> new Cmt.Config(224, new int[] {46, 92, 184}, 16,
                new int[] {1, 2, 4}, new double[] {3.6, 3.6, 3.6}, new int[] {2, 2, 10}, new int[] {8, 4, 2}, 1280,
                1000, 0f, 0.1f));
        // a larger key/value reduction needs a coarser size granularity: stage a at stride 4 with sr 16 -> 64
        Cmt.Config coarse = new Cmt.Config(128, new int[] {16, 32, 48, 64}, 8, new int[] {1, 2, 4, 8},
                new double[] {2, 2, 2, 2}, new int[] {1, 1, 1, 1}, new int[] {16, 4, 2, 1}, 32, 10, 0f, 0f);
        assertEquals(64, coarse.sizeMultiple());
        assertThrows(HybridVisionException.class, () -> coarse.withImgSize(96));
    }

    // ---------------------------------------------------------------- features

    @Test
    void featuresAreTheFourStageMapsAtStrides4To32() throws IOException {
        Cmt net = miniModel(meta());
        try (NDManager m = NDManager.newBaseManager(); StateDict sd = readPth(GOLDEN.resolve("weights.pth"), m)) {
            net.initializeTensors(m);
            net.loadStateDict(sd.asMap(), true, "weights.pth");
            int[] dims = net.config().embedDims();
            for (long[] hw : new long[][] {{64, 64}, {64, 96}}) {
                List<NDArray> f = net.features(Ctx.eval(m), m.randomNormal(new Shape(2, 3, hw[0], hw[1])));
                assertEquals(4, f.size());
                for (int j = 0; j < 4; j++) {
                    long s = 4L << j;
                    assertEquals(new Shape(2, dims[j], hw[0] / s, hw[1] / s), f.get(j).getShape(), "stage " + j);
                }
            }
            // at the native size the stage maps are the golden block outputs, as maps
            NDArray input = npy(m, GOLDEN.resolve("input.npy"));
            List<NDArray> f = net.features(Ctx.eval(m), input);
            NDArray refD = npy(m, GOLDEN.resolve("act_blocks_d.0.npy")); // [2, 4, 64] tokens of a 2x2 grid
            NDArray refMap = refD.transpose(0, 2, 1).reshape(2, 64, 2, 2);
            assertTrue(maxErr(refMap, f.get(3)) / Math.max(1, refMap.abs().max().getFloat()) <= TOL);
        }
    }

    // ---------------------------------------------------------------- helpers

    private static JsonObject meta() throws IOException {
        return JsonParser.parseString(Files.readString(GOLDEN.resolve("meta.json"))).getAsJsonObject();
    }

    /** The golden mini model (constructor_kwargs of meta.json), with head dropout and drop-path off. */
    private static Cmt miniModel(JsonObject meta) {
        JsonObject kw = meta.getAsJsonObject("constructor_kwargs");
        JsonArray ratios = kw.getAsJsonArray("mlp_ratios");
        double[] mlp = new double[ratios.size()];
        for (int i = 0; i < mlp.length; i++) {
            mlp[i] = ratios.get(i).getAsDouble();
        }
        return new Cmt(new Cmt.Config(kw.get("img_size").getAsInt(), ints(kw.getAsJsonArray("embed_dims")),
                kw.get("stem_channel").getAsInt(), ints(kw.getAsJsonArray("num_heads")), mlp,
                ints(kw.getAsJsonArray("depths")), ints(kw.getAsJsonArray("sr_ratios")), kw.get("fc_dim").getAsInt(),
                kw.get("num_classes").getAsInt(), 0f, 0f));
    }

    private static StateDict readPth(Path file, NDManager m) {
        return TorchCheckpointReader.readStateDict(file, m);
    }

    private static void check(String name, NDArray ref, NDArray got, StringBuilder summary) {
        assertEquals(ref.getShape(), got.getShape(), name);
        double err = maxErr(ref, got) / Math.max(1.0, ref.abs().max().getFloat());
        summary.append(String.format("  %-34s %s  %.3e%n", name, ref.getShape(), err));
        assertTrue(err <= TOL, name + ": relative max abs error " + err);
    }

    private static double maxErr(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }

    private static boolean finite(NDArray a) {
        for (float v : a.toFloatArray()) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    private static int[] ints(JsonArray a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsInt();
        }
        return out;
    }

    private static long[] toLongs(JsonArray a) {
        long[] out = new long[a.size()];
        int i = 0;
        for (JsonElement e : a) {
            out[i++] = e.getAsLong();
        }
        return out;
    }

    private static Shape parseShape(String s) {
        String body = s.trim().substring(1, s.trim().length() - 1).trim();
        if (body.isEmpty()) {
            return new Shape();
        }
        String[] parts = body.split(",");
        long[] dims = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            dims[i] = Long.parseLong(parts[i].trim());
        }
        return new Shape(dims);
    }

    private static NDArray npy(NDManager m, Path file) {
        return Npy.read(file).toNDArray(m);
    }
}
