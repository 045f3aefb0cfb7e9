package org.hybridvision.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;

/** The transformer MLP: {@code fc1} (dim to hidden), exact GELU, {@code fc2} (hidden to dim), both with bias. */
public final class Mlp extends Module {
    private final Linear fc1;
    private final Linear fc2;

    /**
     * @param dim token width
     * @param hidden hidden width
     */
    public Mlp(int dim, int hidden) {
        fc1 = register("fc1", new Linear(dim, hidden, true));
        fc2 = register("fc2", new Linear(hidden, dim, true));
    }

    /** Applies the MLP to tokens {@code [B, N, dim]}. */
    public NDArray forward(Ctx ctx, NDArray x) {
        return fc2.forward(ctx, Activation.gelu(fc1.forward(ctx, x)));
    }

    @Override
    public NDList forward(Ctx ctx, NDList inputs) {
        return new NDList(forward(ctx, inputs.singletonOrThrow()));
    }
}
