package org.hybridvision.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * ViT multi-head self-attention with a fused {@code qkv} projection (first {@code dim} output channels are Q, then
 * K, then V) and an output projection {@code proj}. Used by the Conformer transformer branch (spec A3.4).
 */
public final class Attention extends Module {
    private final Linear qkv;
    private final Linear proj;
    private final int heads;
    private final float scale;

    /**
     * @param dim token width
     * @param heads number of heads ({@code dim} must be divisible by it)
     * @param qkvBias whether {@code qkv} has a bias
     */
    public Attention(int dim, int heads, boolean qkvBias) {
        if (dim % heads != 0) {
            throw new IllegalArgumentException("embed dim " + dim + " is not divisible by " + heads + " heads");
        }
        this.heads = heads;
        this.scale = (float) Math.pow(dim / heads, -0.5);
        qkv = register("qkv", new Linear(dim, 3 * dim, qkvBias));
        proj = register("proj", new Linear(dim, dim, true));
    }

    /** Self-attention over tokens {@code [B, N, dim]}. */
    public NDArray forward(Ctx ctx, NDArray x) {
        long[] s = x.getShape().getShape();
        // [B, N, 3, heads, hd] -> [3, B, heads, N, hd]
        NDArray t = qkv.forward(ctx, x).reshape(s[0], s[1], 3, heads, s[2] / heads).transpose(2, 0, 3, 1, 4);
        NDArray out = MultiHead.attend(t.get(0), t.get(1), t.get(2), scale, null);
        return proj.forward(ctx, MultiHead.merge(out));
    }

    @Override
    public NDList forward(Ctx ctx, NDList inputs) {
        return new NDList(forward(ctx, inputs.singletonOrThrow()));
    }
}
