package org.hybridvision.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * Writes one tensor's values into another in place ({@code dst[...] = src}, libtorch's {@code copy_}): loading
 * weights into a model's parameters, syncing data-parallel replicas, initialising an EMA copy.
 *
 * <p>Why not DJL's {@code dst.set(src.toByteBuffer())}: besides a round trip through Java memory, its PyTorch
 * implementation (the JNI function {@code torchSet}) guards the copy with libtorch's deprecated
 * {@code at::AutoNonVariableTypeMode}, whose first use in a process prints four lines starting
 * {@code Warning: AutoNonVariableTypeMode is deprecated and will be removed in 1.10 release}: noise that looks like a
 * failure at the start of every training run and of every {@code predict --weights}. Here the copy is a slice
 * assignment with autograd recording off (so that parameters that require gradients can be written, as that guard
 * allowed); a 0-d tensor (BatchNorm's {@code num_batches_tracked}) is written through a one-element view of itself.
 */
public final class InPlaceCopy {
    private InPlaceCopy() {}

    private static final NDIndex ALL = new NDIndex(":");

    /**
     * Copies {@code src} into {@code dst}.
     *
     * @param dst tensor written in place (its storage, strides and identity stay)
     * @param src values of the same shape (converted to {@code dst}'s data type if they differ)
     * @throws IllegalArgumentException when the shapes differ
     */
    public static void copy(NDArray dst, NDArray src) {
        if (!dst.getShape().equals(src.getShape())) {
            throw new IllegalArgumentException("cannot copy a " + src.getShape() + " tensor into a " + dst.getShape()
                    + " one");
        }
        NoGrad.run(() -> {
            if (dst.getShape().dimension() > 0) {
                dst.set(ALL, src);
            } else {
                try (NDArray view = dst.reshape(1); NDArray value = src.reshape(1)) {
                    view.set(ALL, value);
                }
            }
            return null;
        });
    }
}
