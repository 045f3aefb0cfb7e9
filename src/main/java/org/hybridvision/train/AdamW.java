package org.hybridvision.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import org.hybridvision.HybridVisionException;
import org.hybridvision.layers.Module;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW with decoupled weight decay, numerically as {@code torch.optim.AdamW} (single-tensor path, no amsgrad):
 * <pre>
 * p   = p * (1 - lr * wd)                       (only parameters of the decay group, see WeightDecayGroups)
 * m   = b1 m + (1 - b1) g
 * v   = b2 v + (1 - b2) g^2
 * bc1 = 1 - b1^t,  bc2 = 1 - b2^t
 * p   = p - (lr / bc1) * m / (sqrt(v) / sqrt(bc2) + eps)     (torch's placement of eps)
 * </pre>
 * Every update is in place on the parameter and the moment tensors; temporaries live in a scratch manager closed after
 * each step, and each gradient handle obtained from DJL is closed with it (DJL makes a new handle per call).
 *
 * <p>The state (moments keyed by parameter name, and the step count) can be exported with {@link #state()} and
 * restored with {@link #loadState}, which makes an exact resume possible.
 */
public final class AdamW implements AutoCloseable {
    /** Prefix of first-moment entries in {@link #state()}. */
    public static final String EXP_AVG = "exp_avg.";
    /** Prefix of second-moment entries in {@link #state()}. */
    public static final String EXP_AVG_SQ = "exp_avg_sq.";

    private final LinkedHashMap<String, Parameter> params;
    private final Map<String, Float> weightDecay;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final NDManager stateManager;
    private final LinkedHashMap<String, NDArray> expAvg = new LinkedHashMap<>();
    private final LinkedHashMap<String, NDArray> expAvgSq = new LinkedHashMap<>();
    private long step;

    /**
     * @param model the module whose trainable parameters are optimised (all of {@code namedParameters()})
     * @param weightDecay decoupled weight decay of the decay group ({@link WeightDecayGroups})
     * @param beta1 first-moment decay (0.9)
     * @param beta2 second-moment decay (0.999)
     * @param eps denominator epsilon (1e-8)
     */
    public AdamW(Module model, float weightDecay, double beta1, double beta2, double eps) {
        this(model.namedParameters(), WeightDecayGroups.perParameter(model, weightDecay), beta1, beta2, eps);
    }

    /**
     * @param params parameters by name (their arrays must exist)
     * @param weightDecay per-parameter weight decay (0 for the no-decay group); names absent from the map get none
     * @param beta1 first-moment decay
     * @param beta2 second-moment decay
     * @param eps denominator epsilon
     */
    public AdamW(Map<String, Parameter> params, Map<String, Float> weightDecay, double beta1, double beta2,
                 double eps) {
        this.params = new LinkedHashMap<>(params);
        this.weightDecay = new LinkedHashMap<>(weightDecay);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        NDArray any = params.values().iterator().next().getArray();
        this.stateManager = any.getManager().newSubManager();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            NDArray p = e.getValue().getArray();
            expAvg.put(e.getKey(), stateManager.zeros(p.getShape(), p.getDataType()));
            expAvgSq.put(e.getKey(), stateManager.zeros(p.getShape(), p.getDataType()));
        }
    }

    /** @return number of steps taken so far */
    public long stepCount() {
        return step;
    }

    /**
     * One update of every parameter that has a gradient, with learning rate {@code lr}. Call outside a gradient
     * collector (after it is closed); gradients are left as they are (zero them afterwards).
     */
    public void step(double lr) {
        step++;
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
        float stepSize = (float) (lr / bc1);
        try (NDManager scratch = stateManager.newSubManager()) {
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                NDArray p = e.getValue().getArray();
                if (!p.hasGradient()) {
                    continue;
                }
                NDArray g = p.getGradient();
                g.attach(scratch);
                float wd = weightDecay.getOrDefault(e.getKey(), 0f);
                if (wd != 0f) {
                    p.muli((float) (1 - lr * wd));
                }
                NDArray m = expAvg.get(e.getKey());
                NDArray v = expAvgSq.get(e.getKey());
                m.muli((float) beta1).addi(g.mul((float) (1 - beta1)));
                v.muli((float) beta2).addi(g.mul(g).muli((float) (1 - beta2)));
                NDArray denom = v.sqrt();
                denom.attach(scratch);
                denom.divi((float) bc2Sqrt).addi((float) eps);
                NDArray update = m.div(denom);
                update.attach(scratch);
                p.subi(update.muli(stepSize));
            }
        }
    }

    /** @return moments keyed {@code exp_avg.<param>} and {@code exp_avg_sq.<param>} (live arrays, not copies) */
    public LinkedHashMap<String, NDArray> state() {
        LinkedHashMap<String, NDArray> out = new LinkedHashMap<>();
        expAvg.forEach((k, v) -> out.put(EXP_AVG + k, v));
        expAvgSq.forEach((k, v) -> out.put(EXP_AVG_SQ + k, v));
        return out;
    }

    /**
     * Restores moments and step count saved from an optimizer of the same model.
     *
     * @throws HybridVisionException if an entry is missing or has the wrong shape
     */
    public void loadState(Map<String, NDArray> state, long stepCount) {
        for (Map.Entry<String, NDArray> e : state().entrySet()) {
            NDArray src = state.get(e.getKey());
            if (src == null || !src.getShape().equals(e.getValue().getShape())) {
                throw new HybridVisionException("optimizer state in the checkpoint does not fit this model ("
                        + e.getKey() + (src == null ? " missing" : " has shape " + src.getShape()) + "); resume with "
                        + "the same model and configuration, or start a new run.");
            }
            e.getValue().set(src.toType(e.getValue().getDataType(), false).toByteBuffer());
        }
        this.step = stepCount;
    }

    @Override
    public void close() {
        stateManager.close();
    }
}
