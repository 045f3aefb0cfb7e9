package org.hybridvision.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import org.hybridvision.HybridVisionException;
import org.hybridvision.layers.Module;
import org.hybridvision.layers.Scalars;
import org.hybridvision.models.LoadedModel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Data-parallel steps against the same computation done by hand in one thread: the gradient of the batch is the
 * share-weighted sum of the slices' gradients, the replicas follow the model's weights, and the model's BatchNorm
 * statistics come from slice 0 (DDP semantics).
 */
class DataParallelTest {
    private static final int N = 8;
    private static final int CLASSES = 3;
    private static final int[] CHW = {3, 32, 32};

    static {
        TinySetup.data(1, 0); // registers the tiny model (TinySetup.MODEL alone is a constant: no class init)
    }

    private static LoadedModel tiny() {
        return Presets.build(TinySetup.MODEL, CLASSES, 0f, 32);
    }

    private static void copy(LoadedModel from, LoadedModel to) {
        Map<String, Parameter> dst = to.net().stateDictEntries();
        from.net().stateDictEntries().forEach((k, p) -> dst.get(k).getArray().set(p.getArray().toByteBuffer()));
    }

    private static float[] images(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[N * CHW[0] * CHW[1] * CHW[2]];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    private static float[] targets() {
        int[] labels = new int[N];
        for (int i = 0; i < N; i++) {
            labels[i] = i % CLASSES;
        }
        return SoftTargetCrossEntropy.smoothOneHot(labels, CLASSES, 0.1);
    }

    /** One replica's slice by hand on the calling thread: forward, loss x share, backward (gradients accumulate). */
    private static float slice(LoadedModel m, float[] x, float[] t, int from, int len) {
        int px = CHW[0] * CHW[1] * CHW[2];
        try (NDManager step = m.manager().newSubManager();
             GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray xs = step.create(Arrays.copyOfRange(x, from * px, (from + len) * px),
                    new Shape(len, CHW[0], CHW[1], CHW[2]));
            NDArray ts = step.create(Arrays.copyOfRange(t, from * CLASSES, (from + len) * CLASSES),
                    new Shape(len, CLASSES));
            NDArray l = Scalars.mul(SoftTargetCrossEntropy.headsLoss(
                    m.net().forwardHeads(Module.Ctx.train(step), xs).heads().values(), ts), (float) len / N);
            float v = l.getFloat();
            gc.backward(l);
            return v;
        }
    }

    private static List<float[]> gradients(LoadedModel m) {
        List<float[]> out = new ArrayList<>();
        for (Parameter p : m.net().namedParameters().values()) {
            try (NDArray g = p.getArray().getGradient()) {
                out.add(g.toFloatArray());
            }
        }
        return out;
    }

    /**
     * {@code |actual - expected| <= tol |expected|} in L2 norm over all tensors, and within {@code 10 tol} per tensor
     * (plus a floor of 1e-6 of the whole gradient):
     * one libtorch thread per replica against two for the reference sums in another order, and BatchNorm's backward
     * on 4 samples amplifies that to ~1e-3 on the smallest gradients. A wrong share, a missing slice or stale weights
     * give errors of 10-100 %.
     */
    private static void assertClose(List<float[]> expected, List<float[]> actual, double tol, String what) {
        assertEquals(expected.size(), actual.size());
        double[] diff = new double[expected.size()];
        double[] norm = new double[expected.size()];
        double diffAll = 0;
        double normAll = 0;
        for (int i = 0; i < expected.size(); i++) {
            float[] e = expected.get(i);
            float[] a = actual.get(i);
            assertEquals(e.length, a.length);
            for (int j = 0; j < e.length; j++) {
                diff[i] += (a[j] - e[j]) * (double) (a[j] - e[j]);
                norm[i] += e[j] * (double) e[j];
            }
            diffAll += diff[i];
            normAll += norm[i];
        }
        assertTrue(Math.sqrt(diffAll) <= tol * Math.sqrt(normAll), what + ": relative error "
                + Math.sqrt(diffAll / normAll));
        for (int i = 0; i < expected.size(); i++) {
            // gradients that are zero in exact arithmetic (a bias followed by BatchNorm) are pure rounding noise
            assertTrue(Math.sqrt(diff[i]) <= 10 * tol * Math.sqrt(norm[i]) + 1e-6 * Math.sqrt(normAll),
                    what + " of tensor " + i + ": relative error " + Math.sqrt(diff[i] / Math.max(norm[i], 1e-30)));
        }
    }

    @Test
    void twoReplicasGiveTheShareWeightedSumOfTheSliceGradients() {
        float[] x = images(1);
        float[] t = targets();
        try (LoadedModel model = tiny(); LoadedModel reference = tiny()) {
            copy(model, reference);
            List<float[]> bnMeanAfterSlice0 = new ArrayList<>();
            float expectedLoss;
            try (DataParallel dp = new DataParallel(model, 2, 2, DataParallelTest::tiny)) {
                AdamW opt = new AdamW(model.net(), 0.05f, 0.9, 0.999, 1e-8);
                AdamW refOpt = new AdamW(reference.net(), 0.05f, 0.9, 0.999, 1e-8);
                // step 1 (then an optimizer step, so that step 2 checks that replica 1 follows the new weights)
                dp.forwardBackward(x, t, N, CHW, 11);
                slice(reference, x, t, 0, N / 2);
                slice(reference, x, t, N / 2, N / 2);
                assertClose(gradients(reference), gradients(model), 1e-3, "step-1 gradient");
                opt.step(1e-2, 1.0);
                refOpt.step(1e-2, 1.0);
                Train.zeroGradients(model.net().namedParameters().values());
                Train.zeroGradients(reference.net().namedParameters().values());
                // step 2, from the model's state (the reference's BatchNorm buffers saw both slices of step 1)
                copy(model, reference);
                float[] x2 = images(2);
                DataParallel.Pass pass = dp.forwardBackward(x2, t, N, CHW, 12);
                expectedLoss = slice(reference, x2, t, 0, N / 2);
                for (Parameter b : reference.net().namedBuffers().values()) {
                    bnMeanAfterSlice0.add(b.getArray().toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                            .toFloatArray());
                }
                expectedLoss += slice(reference, x2, t, N / 2, N / 2);
                assertEquals(expectedLoss, pass.loss(), 1e-5);
                assertEquals(N, pass.predictions().length);
                assertClose(gradients(reference), gradients(model), 1e-3, "step-2 gradient");
            }
            // the model's BatchNorm statistics: updated from slice 0 only
            List<float[]> modelBuffers = new ArrayList<>();
            for (Parameter b : model.net().namedBuffers().values()) {
                modelBuffers.add(b.getArray().toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray());
            }
            assertTrue(bnMeanAfterSlice0.size() > 10);
            assertClose(bnMeanAfterSlice0, modelBuffers, 1e-4, "BatchNorm buffer");
        }
    }

    @Test
    void evaluationOnTwoReplicasIsTheModelsEvaluation() {
        float[] x = images(4);
        try (LoadedModel model = tiny();
             DataParallel dp = new DataParallel(model, 2, 2, DataParallelTest::tiny)) {
            // a training step first, so that the model's BatchNorm statistics differ from a fresh replica's
            dp.forwardBackward(x, targets(), N, CHW, 3);
            Train.zeroGradients(model.net().namedParameters().values());
            float[] expected;
            try (NDManager scratch = model.manager().newSubManager()) {
                expected = model.net().forwardHeads(Module.Ctx.eval(scratch),
                        scratch.create(x, new Shape(N, CHW[0], CHW[1], CHW[2]))).logits().toFloatArray();
            }
            dp.prepareEvaluation();
            float[] actual = dp.evalLogits(x, N, CHW);
            assertClose(List.of(expected), List.of(actual), 1e-5, "evaluation logits");
            float[] three = dp.evalLogits(Arrays.copyOf(x, 3 * CHW[0] * CHW[1] * CHW[2]), 3, CHW);
            assertClose(List.of(Arrays.copyOf(expected, 3 * CLASSES)), List.of(three), 1e-5, "odd batch logits");
        }
    }

    @Test
    void moreReplicasThanThreadsOrImagesIsAClearError() {
        try (LoadedModel model = tiny()) {
            HybridVisionException e = assertThrows(HybridVisionException.class,
                    () -> new DataParallel(model, 3, 2, DataParallelTest::tiny));
            assertTrue(e.getMessage().contains("--replicas 3") && e.getMessage().contains("--threads"),
                    e.getMessage());
            try (DataParallel dp = new DataParallel(model, 2, 2, DataParallelTest::tiny)) {
                float[] one = Arrays.copyOf(images(3), CHW[0] * CHW[1] * CHW[2]);
                HybridVisionException e2 = assertThrows(HybridVisionException.class,
                        () -> dp.forwardBackward(one, new float[CLASSES], 1, CHW, 0));
                assertTrue(e2.getMessage().contains("cannot be split"), e2.getMessage());
            }
        }
        HybridVisionException e3 = assertThrows(HybridVisionException.class,
                () -> TinySetup.light(1, 8).toBuilder().set("replicas", 9).build());
        assertTrue(e3.getMessage().contains("--replicas"), e3.getMessage());
    }
}
