package org.hybridvision.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

/**
 * BatchNorm over channel axis 1 with PyTorch semantics and state: {@code weight, bias, running_mean, running_var,
 * num_batches_tracked}. In training it normalises with the biased batch variance and updates the running statistics
 * in place with momentum 0.1 using the unbiased variance (libtorch's own kernel does both); in evaluation it uses
 * the running statistics. The epsilon differs between call sites (1e-5 or 1e-6): it is always explicit.
 */
public final class BatchNorm2d extends Module {
    private static final float MOMENTUM = 0.1f;
    private final Parameter weight;
    private final Parameter bias;
    private final Parameter runningMean;
    private final Parameter runningVar;
    private final Parameter numBatchesTracked;
    private final float eps;
    private boolean frozen;

    /**
     * @param channels number of channels
     * @param eps the epsilon inside the square root
     */
    public BatchNorm2d(int channels, float eps) {
        this.eps = eps;
        Shape c = new Shape(channels);
        weight = parameter("weight", c, Init.ONES);
        bias = parameter("bias", c, Init.ZEROS);
        runningMean = buffer("running_mean", c, Init.ZEROS);
        runningVar = buffer("running_var", c, Init.ONES);
        numBatchesTracked = buffer("num_batches_tracked", new Shape(), Init.LONG_ZERO);
    }

    /**
     * Keeps this layer in evaluation behaviour even in training passes (running statistics used and not updated),
     * as detection fine-tuning does with {@code norm_eval=True}.
     */
    public void setFrozenStatistics(boolean frozen) {
        this.frozen = frozen;
    }

    /** Normalises {@code x [B, C, H, W]} (or {@code [B, C]}). */
    public NDArray forward(Ctx ctx, NDArray x) {
        boolean batchStats = ctx.training() && !frozen;
        NDArray out = ai.djl.nn.norm.BatchNorm.batchNorm(x, ctx.value(runningMean, x), ctx.value(runningVar, x),
                ctx.value(weight, x), ctx.value(bias, x), 1, 1f - MOMENTUM, eps, batchStats).singletonOrThrow();
        if (batchStats) {
            numBatchesTracked.getArray().addi(1);
        }
        return out;
    }

    @Override
    public NDList forward(Ctx ctx, NDList inputs) {
        return new NDList(forward(ctx, inputs.singletonOrThrow()));
    }
}
