package org.hybridvision.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic with a Java number that is safe under autograd. Use these, never DJL's {@code mul(Number)},
 * {@code div(Number)} or {@code muli(Number)}, on any tensor that a backward pass goes through.
 *
 * <p>Why: DJL's PyTorch engine turns the number into a 0-d tensor that <em>borrows</em> a Java direct buffer
 * ({@code torch::from_blob}) and closes it as soon as the operation returns. Autograd, however, keeps that tensor to
 * compute the backward pass of a product or quotient. Once the garbage collector has freed the buffer and the memory
 * is reused, the backward pass multiplies gradients by whatever now lies there: gradients scaled by garbage, and now
 * and then NaN or infinity. (Reproduced in {@code ScalarsTest}: with DJL's overload every one of 200 steps under
 * allocation pressure got a wrong gradient.) Here the number becomes a tensor that libtorch allocates and owns
 * ({@code torch::full}), which autograd can keep as long as it needs.
 */
public final class Scalars {
    private Scalars() {}

    /** @return {@code x * value} */
    public static NDArray mul(NDArray x, float value) {
        try (NDArray s = scalar(x, value)) {
            return x.mul(s);
        }
    }

    /** @return {@code x} multiplied in place by {@code value} */
    public static NDArray muli(NDArray x, float value) {
        try (NDArray s = scalar(x, value)) {
            return x.muli(s);
        }
    }

    /** @return {@code x / value} */
    public static NDArray div(NDArray x, float value) {
        try (NDArray s = scalar(x, value)) {
            return x.div(s);
        }
    }

    /** @return a 0-d tensor holding {@code value}, in libtorch-owned memory, with x's type and device */
    private static NDArray scalar(NDArray x, float value) {
        return x.getManager().full(new Shape(), value, x.getDataType(), x.getDevice());
    }
}
