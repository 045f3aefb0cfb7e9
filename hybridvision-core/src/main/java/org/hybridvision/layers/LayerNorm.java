package org.hybridvision.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

/** LayerNorm over the last axis (the channels of a token), affine, with an explicit epsilon (1e-5 or 1e-6). */
public final class LayerNorm extends Module {
    private final Parameter weight;
    private final Parameter bias;
    private final Shape normalizedShape;
    private final float eps;

    /**
     * @param dim size of the last axis
     * @param eps the epsilon inside the square root
     */
    public LayerNorm(int dim, float eps) {
        this.eps = eps;
        normalizedShape = new Shape(dim);
        weight = parameter("weight", normalizedShape, Init.ONES);
        bias = parameter("bias", normalizedShape, Init.ZEROS);
    }

    /** Normalises {@code x [..., dim]}. */
    public NDArray forward(Ctx ctx, NDArray x) {
        return ai.djl.nn.norm.LayerNorm.layerNorm(x, normalizedShape, ctx.value(weight, x), ctx.value(bias, x), eps)
                .singletonOrThrow();
    }

    @Override
    public NDList forward(Ctx ctx, NDList inputs) {
        return new NDList(forward(ctx, inputs.singletonOrThrow()));
    }
}
