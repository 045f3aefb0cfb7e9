package org.hybridvision.layers;

import ai.djl.ndarray.NDArray;

/**
 * Conversions between feature maps {@code [B, C, H, W]} and token sequences {@code [B, H*W, C]} (spec 0.2: token
 * {@code n = h*W + w}, channels last; no transposition of H and W).
 */
public final class Tokens {
    private Tokens() {}

    /** {@code [B, C, H, W] -> [B, H*W, C]}. */
    public static NDArray fromMap(NDArray map) {
        long[] s = map.getShape().getShape();
        return map.reshape(s[0], s[1], s[2] * s[3]).transpose(0, 2, 1);
    }

    /** {@code [B, H*W, C] -> [B, C, H, W]}. */
    public static NDArray toMap(NDArray tokens, long h, long w) {
        long[] s = tokens.getShape().getShape();
        if (s[1] != h * w) {
            throw new IllegalArgumentException("token count " + s[1] + " does not match a " + h + "x" + w + " grid");
        }
        return tokens.transpose(0, 2, 1).reshape(s[0], s[2], h, w);
    }
}
