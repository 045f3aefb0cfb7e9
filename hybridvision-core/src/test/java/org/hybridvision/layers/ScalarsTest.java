package org.hybridvision.layers;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Gradients through products with Java numbers must not depend on what the garbage collector did between the forward
 * and the backward pass (see {@link Scalars}: DJL's {@code mul(Number)} hands autograd a tensor over a Java buffer
 * that is freed at the next collection).
 */
class ScalarsTest {

    /** Frees unreachable direct buffers and refills freed native memory with NaN. */
    private static void collectAndScribble() {
        System.gc();
        try {
            Thread.sleep(5); // lets the cleaner thread free the collected buffers
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<ByteBuffer> scribble = new ArrayList<>();
        for (int k = 0; k < 200; k++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
            b.putFloat(0, Float.NaN);
            scribble.add(b);
        }
    }

    /** @return the gradient of sum(f(x)) at x, with a collection (or not) between forward and backward */
    private static float[] gradient(NDManager m, float[] x0, Shape shape, UnaryOperator<NDArray> f, boolean gc) {
        try (NDManager step = m.newSubManager()) {
            NDArray x = step.create(x0, shape);
            x.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray y = f.apply(x).sum();
                if (gc) {
                    collectAndScribble();
                }
                collector.backward(y);
            }
            return x.getGradient().toFloatArray();
        }
    }

    @Test
    void productsAndQuotientsKeepExactGradientsWhateverTheCollectorDoes() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] x0 = {1f, -2f, 0.5f, 4f};
            Shape s = new Shape(4);
            for (int i = 0; i < 30; i++) {
                assertArrayEquals(new float[] {3f, 3f, 3f, 3f}, gradient(m, x0, s, x -> Scalars.mul(x, 3f), true));
                assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f, 0.25f},
                        gradient(m, x0, s, x -> Scalars.div(x, 4f), true));
                assertArrayEquals(new float[] {-2f, -2f, -2f, -2f},
                        gradient(m, x0, s, x -> Scalars.muli(x.exp().log(), -2f), true), 1e-6f);
            }
        }
    }

    @Test
    void attentionGradientsDoNotDependOnGarbageCollection() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            Shape s = new Shape(2, 2, 5, 4); // [B, heads, N, head dim]
            float[] q0 = m.randomNormal(s).toFloatArray();
            NDArray k = m.randomNormal(s);
            NDArray v = m.randomNormal(s);
            UnaryOperator<NDArray> attn = q -> MultiHead.attend(q, k, v, 0.5f, null);
            float[] calm = gradient(m, q0, s, attn, false);
            for (int i = 0; i < 30; i++) {
                assertArrayEquals(calm, gradient(m, q0, s, attn, true), "iteration " + i);
            }
        }
    }
}
