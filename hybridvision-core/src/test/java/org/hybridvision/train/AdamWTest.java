package org.hybridvision.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** AdamW against torch.optim.AdamW's formula, computed by hand. */
class AdamWTest {

    private static Parameter param(NDManager m, String name, float... values) {
        Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
        NDArray a = m.create(values);
        a.setRequiresGradient(true);
        p.setArray(a);
        return p;
    }

    /** Gradient of sum(w * g) is g: sets the gradients of both parameters to known values. */
    private static void backward(NDManager m, Parameter w, Parameter b, float[] gw, float[] gb) {
        try (NDManager step = m.newSubManager();
             GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray l = step.create(gw).mul(w.getArray()).sum().add(step.create(gb).mul(b.getArray()).sum());
            gc.backward(l);
        }
    }

    @Test
    void twoStepsMatchTorchFormulaWithAndWithoutDecay() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter w = param(m, "w", 1.0f, -2.0f);
            Parameter b = param(m, "b", 1.0f, -2.0f);
            Map<String, Parameter> params = new LinkedHashMap<>();
            params.put("w", w);
            params.put("b", b);
            double lr = 0.1, wd = 0.1, b1 = 0.9, b2 = 0.999, eps = 0.1; // large eps: its placement is visible
            AdamW opt = new AdamW(params, Map.of("w", (float) wd, "b", 0f), b1, b2, eps);
            float[] g1 = {0.5f, -0.25f};
            backward(m, w, b, g1, g1);
            opt.step(lr);
            // by hand, step 1: bc1 = 0.1, bc2 = 0.001, m = 0.1 g, v = 0.001 g^2, denom = |g| + eps, step size 1.0
            //   w[0]: 1 * (1 - 0.01) - 0.05 / 0.6 = 0.906666..., w[1]: -2 * 0.99 + 0.025 / 0.35 = -1.908571...
            //   b (no decay): 1 - 0.083333 = 0.916666..., -2 + 0.0714286 = -1.928571...
            assertArrayEquals(new float[] {0.9066667f, -1.9085714f}, w.getArray().toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {0.9166667f, -1.9285714f}, b.getArray().toFloatArray(), 1e-6f);
            Train.zeroGradients(params.values());
            float[] g2 = {-1.0f, 0.125f};
            backward(m, w, b, g2, g2);
            opt.step(lr);
            double[] expW = reference(new double[] {1.0, -2.0}, g1, g2, lr, wd, b1, b2, eps);
            double[] expB = reference(new double[] {1.0, -2.0}, g1, g2, lr, 0, b1, b2, eps);
            float[] gotW = w.getArray().toFloatArray();
            float[] gotB = b.getArray().toFloatArray();
            for (int i = 0; i < 2; i++) {
                assertEquals(expW[i], gotW[i], 1e-6);
                assertEquals(expB[i], gotB[i], 1e-6);
            }
            // eps inside the square root (DJL's / the paper's placement) gives a visibly different result
            double[] other = referenceEpsInside(new double[] {1.0, -2.0}, g1, g2, lr, wd, b1, b2, eps);
            assertTrue(Math.abs(other[1] - gotW[1]) > 1e-2); // -1.88469 vs -1.87180
            assertEquals(2, opt.stepCount());
            assertEquals(4, opt.state().size());
            opt.close();
        }
    }

    /** torch.optim.AdamW (single tensor) in double precision, two steps. */
    private static double[] reference(double[] p0, float[] g1, float[] g2, double lr, double wd, double b1,
                                      double b2, double eps) {
        double[] p = p0.clone();
        double[] m = new double[p.length];
        double[] v = new double[p.length];
        float[][] gs = {g1, g2};
        for (int t = 1; t <= 2; t++) {
            for (int i = 0; i < p.length; i++) {
                double g = gs[t - 1][i];
                p[i] *= 1 - lr * wd;
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
                p[i] -= lr / (1 - Math.pow(b1, t)) * m[i] / denom;
            }
        }
        return p;
    }

    private static double[] referenceEpsInside(double[] p0, float[] g1, float[] g2, double lr, double wd, double b1,
                                               double b2, double eps) {
        double[] p = p0.clone();
        double[] m = new double[p.length];
        double[] v = new double[p.length];
        float[][] gs = {g1, g2};
        for (int t = 1; t <= 2; t++) {
            for (int i = 0; i < p.length; i++) {
                double g = gs[t - 1][i];
                p[i] *= 1 - lr * wd;
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mHat = m[i] / (1 - Math.pow(b1, t));
                double vHat = v[i] / (1 - Math.pow(b2, t));
                p[i] -= lr * mHat / Math.sqrt(vHat + eps);
            }
        }
        return p;
    }

    @Test
    void clipsToTheGlobalNormAndReturnsItAsClipGradNormDoes() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter w = param(m, "w", 1.0f, -2.0f);
            Parameter b = param(m, "b", 1.0f, -2.0f);
            Map<String, Parameter> params = new LinkedHashMap<>();
            params.put("w", w);
            params.put("b", b);
            double lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 0.1;
            AdamW opt = new AdamW(params, Map.of(), b1, b2, eps);
            backward(m, w, b, new float[] {3, 0}, new float[] {0, 4}); // global norm 5
            assertEquals(5.0, opt.step(lr, 1.0), 1e-6);
            // clipped gradient g * 1 / (5 + 1e-6); one Adam step with eps 0.1: p -= lr * g' / (|g'| + eps)
            double c = 1.0 / (5 + 1e-6);
            double[] expW = {1 - lr * 3 * c / (3 * c + eps), -2.0};
            double[] expB = {1.0, -2 - lr * 4 * c / (4 * c + eps)};
            float[] gotW = w.getArray().toFloatArray();
            float[] gotB = b.getArray().toFloatArray();
            for (int i = 0; i < 2; i++) {
                assertEquals(expW[i], gotW[i], 1e-6);
                assertEquals(expB[i], gotB[i], 1e-6);
            }
            opt.close();
        }
    }

    @Test
    void frozenParametersAreLeftAloneAndTheOthersGetTheSameUpdate() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter w1 = param(m, "w", 1.0f, -2.0f);
            Parameter b1 = param(m, "b", 0.5f, 0.25f);
            Parameter w2 = param(m, "w", 1.0f, -2.0f);
            Parameter b2 = param(m, "b", 0.5f, 0.25f);
            Parameter frozen = param(m, "frozen", 7f, 8f, 9f);
            frozen.getArray().setRequiresGradient(false);
            Map<String, Parameter> all = new LinkedHashMap<>();
            all.put("w", w1);
            all.put("frozen", frozen);
            all.put("b", b1);
            Map<String, Parameter> trainable = new LinkedHashMap<>();
            trainable.put("w", w2);
            trainable.put("b", b2);
            AdamW withFrozen = new AdamW(all, Map.of("w", 0.05f, "frozen", 0.05f), 0.9, 0.999, 1e-8);
            AdamW plain = new AdamW(trainable, Map.of("w", 0.05f), 0.9, 0.999, 1e-8);
            for (int t = 0; t < 3; t++) {
                float[] gw = {0.3f * (t + 1), -0.7f};
                float[] gb = {-0.2f, 0.1f * t};
                backward(m, w1, b1, gw, gb);
                backward(m, w2, b2, gw, gb);
                assertEquals(plain.step(0.01, 0.5), withFrozen.step(0.01, 0.5), 1e-6);
                Train.zeroGradients(all.values());
                Train.zeroGradients(trainable.values());
            }
            assertArrayEquals(w2.getArray().toFloatArray(), w1.getArray().toFloatArray(), 1e-7f);
            assertArrayEquals(b2.getArray().toFloatArray(), b1.getArray().toFloatArray(), 1e-7f);
            assertArrayEquals(new float[] {7f, 8f, 9f}, frozen.getArray().toFloatArray());
            assertArrayEquals(new float[] {0f, 0f, 0f}, withFrozen.state().get("exp_avg.frozen").toFloatArray());
            withFrozen.close();
            plain.close();
        }
    }

    @Test
    void aStepWithNonFiniteGradientsChangesNothing() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter w = param(m, "w", 1.0f, -2.0f);
            Parameter b = param(m, "b", 3.0f, 4.0f);
            Map<String, Parameter> params = new LinkedHashMap<>();
            params.put("w", w);
            params.put("b", b);
            AdamW opt = new AdamW(params, Map.of("w", 0.1f), 0.9, 0.999, 1e-8);
            backward(m, w, b, new float[] {Float.NaN, 1}, new float[] {1, 1});
            assertTrue(Double.isNaN(opt.step(0.1, 1.0)));
            assertArrayEquals(new float[] {1.0f, -2.0f}, w.getArray().toFloatArray());
            assertArrayEquals(new float[] {3.0f, 4.0f}, b.getArray().toFloatArray());
            assertEquals(0, opt.stepCount());
            assertArrayEquals(new float[] {0f, 0f}, opt.state().get("exp_avg_sq.w").toFloatArray());
            opt.close();
        }
    }

    @Test
    void stateRoundTrips() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter w = param(m, "w", 1.0f, 2.0f);
            Parameter b = param(m, "b", 3.0f, 4.0f);
            Map<String, Parameter> params = new LinkedHashMap<>();
            params.put("w", w);
            params.put("b", b);
            AdamW a = new AdamW(params, Map.of(), 0.9, 0.999, 1e-8);
            backward(m, w, b, new float[] {1, 2}, new float[] {3, 4});
            a.step(0.01);
            AdamW c = new AdamW(params, Map.of(), 0.9, 0.999, 1e-8);
            c.loadState(a.state(), a.stepCount());
            assertEquals(1, c.stepCount());
            assertArrayEquals(a.state().get("exp_avg_sq.b").toFloatArray(), c.state().get("exp_avg_sq.b").toFloatArray());
            a.close();
            c.close();
        }
    }
}
