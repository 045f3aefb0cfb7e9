package org.hybridvision.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * Pre-norm ViT block: {@code x + DropPath(attn(norm1(x)))}, then {@code x + DropPath(mlp(norm2(x)))}, LayerNorm eps
 * 1e-6 (spec A3.4). Keys: {@code norm1, attn.qkv, attn.proj, norm2, mlp.fc1, mlp.fc2}.
 */
public final class TransformerBlock extends Module {
    private final LayerNorm norm1;
    private final Attention attn;
    private final LayerNorm norm2;
    private final Mlp mlp;
    private final DropPath dropPath;

    /**
     * @param dim token width
     * @param heads attention heads
     * @param mlpRatio hidden width of the MLP as a multiple of {@code dim}
     * @param qkvBias whether the qkv projection has a bias
     * @param dropPath stochastic-depth rate of both residual branches
     */
    public TransformerBlock(int dim, int heads, double mlpRatio, boolean qkvBias, float dropPath) {
        norm1 = register("norm1", new LayerNorm(dim, 1e-6f));
        attn = register("attn", new Attention(dim, heads, qkvBias));
        norm2 = register("norm2", new LayerNorm(dim, 1e-6f));
        mlp = register("mlp", new Mlp(dim, (int) (dim * mlpRatio)));
        this.dropPath = new DropPath(dropPath);
    }

    /** Applies the block to tokens {@code [B, N, dim]}. */
    public NDArray forward(Ctx ctx, NDArray x) {
        x = x.add(dropPath.apply(attn.forward(ctx, norm1.forward(ctx, x)), ctx));
        return x.add(dropPath.apply(mlp.forward(ctx, norm2.forward(ctx, x)), ctx));
    }

    @Override
    public NDList forward(Ctx ctx, NDList inputs) {
        return new NDList(forward(ctx, inputs.singletonOrThrow()));
    }
}
