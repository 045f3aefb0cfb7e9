package org.hybridvision.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;

import java.util.Collection;

/**
 * Global-norm gradient clipping as {@code torch.nn.utils.clip_grad_norm_(params, maxNorm)}: the L2 norm of all
 * gradients together; when it exceeds {@code maxNorm} every gradient is scaled by {@code maxNorm / (norm + 1e-6)}.
 */
public final class GradClip {
    private GradClip() {}

    /** @return the global L2 norm of the gradients of {@code params} (parameters without gradient are skipped) */
    public static double globalNorm(Collection<Parameter> params) {
        NDManager owner = params.iterator().next().getArray().getManager();
        try (NDManager scratch = owner.newSubManager()) {
            NDArray total = null;
            for (Parameter p : params) {
                NDArray a = p.getArray();
                if (!a.hasGradient()) {
                    continue;
                }
                NDArray g = a.getGradient();
                g.attach(scratch);
                NDArray s = g.square().sum();
                total = total == null ? s : total.addi(s);
            }
            return total == null ? 0 : Math.sqrt(total.getFloat());
        }
    }

    /**
     * Clips in place.
     *
     * @param params parameters whose gradients are clipped together
     * @param maxNorm the largest allowed global norm (&le; 0 disables clipping; the norm is still returned)
     * @return the global norm before clipping
     */
    public static double clip(Collection<Parameter> params, double maxNorm) {
        double norm = globalNorm(params);
        if (maxNorm > 0) {
            double coef = maxNorm / (norm + 1e-6);
            if (coef < 1) {
                NDManager owner = params.iterator().next().getArray().getManager();
                try (NDManager scratch = owner.newSubManager()) {
                    for (Parameter p : params) {
                        NDArray a = p.getArray();
                        if (a.hasGradient()) {
                            NDArray g = a.getGradient();
                            g.attach(scratch);
                            g.muli((float) coef);
                        }
                    }
                }
            }
        }
        return norm;
    }
}
