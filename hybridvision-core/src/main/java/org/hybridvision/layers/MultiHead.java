package org.hybridvision.layers;

import ai.djl.ndarray.NDArray;

/**
 * The multi-head attention core shared by both families: split channels into heads (channel {@code c} belongs to
 * head {@code c / hd}, spec 0.2), {@code softmax(Q K^T * scale + bias) V}, heads concatenated back in order.
 * DJL has no fused scaled-dot-product attention, so this is matmul + softmax + matmul.
 */
public final class MultiHead {
    private MultiHead() {}

    /** {@code [B, N, heads*hd] -> [B, heads, N, hd]}. */
    public static NDArray split(NDArray x, int heads) {
        long[] s = x.getShape().getShape();
        return x.reshape(s[0], s[1], heads, s[2] / heads).transpose(0, 2, 1, 3);
    }

    /** {@code [B, heads, N, hd] -> [B, N, heads*hd]}. */
    public static NDArray merge(NDArray x) {
        long[] s = x.getShape().getShape();
        return x.transpose(0, 2, 1, 3).reshape(s[0], s[2], s[1] * s[3]);
    }

    /**
     * Scaled dot-product attention on split heads.
     *
     * @param q queries {@code [B, h, Nq, hd]}
     * @param k keys {@code [B, h, Nk, hd]}
     * @param v values {@code [B, h, Nk, hd]}
     * @param scale multiplier of the scores, usually {@code hd^-0.5}
     * @param bias optional additive bias broadcastable to {@code [B, h, Nq, Nk]}, added after scaling
     * @return {@code [B, h, Nq, hd]}
     */
    public static NDArray attend(NDArray q, NDArray k, NDArray v, float scale, NDArray bias) {
        if (OpCounter.enabled()) {
            NDArray dry = OpCounter.attention(q, k, v);
            if (dry != null) {
                return dry;
            }
        }
        NDArray scores = Scalars.muli(q.matMul(k.transpose(0, 1, 3, 2)), scale); // never muli(Number): see Scalars
        if (bias != null) {
            scores = scores.add(bias);
        }
        return scores.softmax(-1).matMul(v);
    }
}
