package org.hybridvision.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import org.hybridvision.HybridVisionException;
import org.hybridvision.layers.Module;

import java.util.LinkedHashMap;
import java.util.List;
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
 *
 * <p>Speed: the moments of all parameters live in two flat tensors, and a step gathers every gradient into one flat
 * tensor, so the moment arithmetic, the global gradient norm and clipping are a handful of native calls on one long
 * tensor instead of ~20 calls per parameter (what {@code torch._foreach_*} does for torch's own optimizers); only the
 * final {@code p -= update} and the weight decay touch each parameter. Each element sees exactly the operations of
 * the per-tensor formula above, in the same order. When some parameters have no gradient (frozen) the step falls
 * back to updating each parameter on its views of the flat moments.
 *
 * <p>Temporaries live in a scratch manager closed after each step, and each gradient handle obtained from DJL is
 * closed with it (DJL makes a new handle per call). The state (moments keyed by parameter name, and the step count)
 * can be exported with {@link #state()} and restored with {@link #loadState}, which makes an exact resume possible.
 */
public final class AdamW implements AutoCloseable {
    /** Prefix of first-moment entries in {@link #state()}. */
    public static final String EXP_AVG = "exp_avg.";
    /** Prefix of second-moment entries in {@link #state()}. */
    public static final String EXP_AVG_SQ = "exp_avg_sq.";

    private final List<String> names;
    private final List<Parameter> params;
    private final float[] decay;
    private final long[] splitPoints;
    private final long numel;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final NDManager stateManager;
    private NDManager momentManager;
    private NDArray expAvg;
    private NDArray expAvgSq;
    private NDList expAvgViews;
    private NDList expAvgSqViews;
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
        this.names = List.copyOf(params.keySet());
        this.params = List.copyOf(params.values());
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.decay = new float[names.size()];
        this.splitPoints = new long[Math.max(0, names.size() - 1)];
        long total = 0;
        for (int i = 0; i < names.size(); i++) {
            decay[i] = weightDecay.getOrDefault(names.get(i), 0f);
            NDArray p = this.params.get(i).getArray();
            if (p.getDataType() != DataType.FLOAT32) {
                throw new HybridVisionException("AdamW updates float32 parameters; " + names.get(i) + " is "
                        + p.getDataType());
            }
            total += p.getShape().size();
            if (i < splitPoints.length) {
                splitPoints[i] = total;
            }
        }
        this.numel = total;
        this.stateManager = this.params.get(0).getArray().getManager().newSubManager();
        setMoments(stateManager.zeros(new Shape(numel)), stateManager.zeros(new Shape(numel)));
    }

    /** Installs flat moment tensors and their per-parameter views (closing the previous ones). */
    private void setMoments(NDArray m, NDArray v) {
        NDManager next = stateManager.newSubManager();
        m.attach(next);
        v.attach(next);
        expAvg = m;
        expAvgSq = v;
        expAvgViews = views(m, next);
        expAvgSqViews = views(v, next);
        if (momentManager != null) {
            momentManager.close();
        }
        momentManager = next;
    }

    /** @return views of a flat tensor shaped as each parameter (writes through to the flat tensor) */
    private NDList views(NDArray flat, NDManager owner) {
        NDList parts = names.size() == 1 ? new NDList(flat.reshape(flat.getShape())) : flat.split(splitPoints);
        NDList out = new NDList(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            NDArray view = parts.get(i).reshape(params.get(i).getArray().getShape());
            view.attach(owner);
            out.add(view);
        }
        parts.attach(owner);
        return out;
    }

    /** @return number of steps taken so far */
    public long stepCount() {
        return step;
    }

    /**
     * One update of every parameter that has a gradient, with learning rate {@code lr}, without clipping. Call outside
     * a gradient collector (after it is closed); gradients are left as they are (zero them afterwards).
     *
     * @return the global L2 norm of the gradients; when it is not finite nothing was updated
     */
    public double step(double lr) {
        return step(lr, 0);
    }

    /**
     * Clips the gradients to a global L2 norm of {@code maxGradNorm} (as {@code torch.nn.utils.clip_grad_norm_}:
     * scaled by {@code maxGradNorm / (norm + 1e-6)} when the norm exceeds it) and updates every parameter that has a
     * gradient. A step whose gradients hold a NaN or an infinity changes nothing (as torch's GradScaler skips such
     * steps) and is not counted; the caller sees it from the returned norm.
     *
     * @param lr learning rate of this step
     * @param maxGradNorm global-norm bound, 0 for no clipping
     * @return the global L2 norm of the gradients before clipping
     */
    public double step(double lr, double maxGradNorm) {
        for (Parameter p : params) {
            if (!p.getArray().hasGradient()) {
                return stepEach(lr, maxGradNorm);
            }
        }
        try (NDManager scratch = stateManager.newSubManager()) {
            NDList flatGrads = new NDList(params.size());
            for (Parameter p : params) {
                NDArray g = p.getArray().getGradient();
                g.attach(scratch);
                NDArray f = g.flatten();
                f.attach(scratch);
                flatGrads.add(f);
            }
            NDArray g = NDArrays.concat(flatGrads);
            g.attach(scratch);
            double norm = Math.sqrt(g.square().sum().getFloat());
            if (!Double.isFinite(norm)) {
                return norm;
            }
            if (maxGradNorm > 0) {
                double coef = maxGradNorm / (norm + 1e-6);
                if (coef < 1) {
                    g.muli((float) coef);
                }
            }
            step++;
            double bc1 = 1 - Math.pow(beta1, step);
            float bc2Sqrt = (float) Math.sqrt(1 - Math.pow(beta2, step));
            float stepSize = (float) (lr / bc1);
            expAvg.muli((float) beta1).addi(g.mul((float) (1 - beta1)));
            expAvgSq.muli((float) beta2).addi(g.mul(g).muli((float) (1 - beta2)));
            NDArray denom = expAvgSq.sqrt();
            denom.attach(scratch);
            NDArray update = expAvg.div(denom.divi(bc2Sqrt).addi((float) eps));
            update.attach(scratch);
            update.muli(stepSize);
            NDList parts = update.split(splitPoints);
            parts.attach(scratch);
            for (int i = 0; i < params.size(); i++) {
                NDArray p = params.get(i).getArray();
                if (decay[i] != 0f) {
                    p.muli((float) (1 - lr * decay[i]));
                }
                NDArray u = parts.get(i).reshape(p.getShape());
                u.attach(scratch);
                p.subi(u);
            }
            return norm;
        }
    }

    /** The same update, parameter by parameter on views of the moments (some parameters have no gradient). */
    private double stepEach(double lr, double maxGradNorm) {
        try (NDManager scratch = stateManager.newSubManager()) {
            NDArray[] grads = new NDArray[params.size()];
            double sumSq = 0;
            for (int i = 0; i < params.size(); i++) {
                NDArray p = params.get(i).getArray();
                if (p.hasGradient()) {
                    grads[i] = p.getGradient();
                    grads[i].attach(scratch);
                    sumSq += grads[i].square().sum().getFloat();
                }
            }
            double norm = Math.sqrt(sumSq);
            if (!Double.isFinite(norm)) {
                return norm;
            }
            float coef = maxGradNorm > 0 && maxGradNorm / (norm + 1e-6) < 1 ? (float) (maxGradNorm / (norm + 1e-6)) : 1f;
            step++;
            double bc1 = 1 - Math.pow(beta1, step);
            float bc2Sqrt = (float) Math.sqrt(1 - Math.pow(beta2, step));
            float stepSize = (float) (lr / bc1);
            for (int i = 0; i < params.size(); i++) {
                if (grads[i] == null) {
                    continue;
                }
                NDArray p = params.get(i).getArray();
                NDArray g = coef < 1 ? grads[i].muli(coef) : grads[i];
                if (decay[i] != 0f) {
                    p.muli((float) (1 - lr * decay[i]));
                }
                NDArray m = expAvgViews.get(i);
                NDArray v = expAvgSqViews.get(i);
                m.muli((float) beta1).addi(g.mul((float) (1 - beta1)));
                v.muli((float) beta2).addi(g.mul(g).muli((float) (1 - beta2)));
                NDArray denom = v.sqrt();
                denom.attach(scratch);
                NDArray update = m.div(denom.divi(bc2Sqrt).addi((float) eps));
                update.attach(scratch);
                update.muli(stepSize);
                p.subi(update);
            }
            return norm;
        }
    }

    /**
     * @return moments keyed {@code exp_avg.<param>} and {@code exp_avg_sq.<param>}, shaped as the parameters (live
     *     views of the optimizer's state, not copies: read them, do not close or change them)
     */
    public LinkedHashMap<String, NDArray> state() {
        LinkedHashMap<String, NDArray> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            out.put(EXP_AVG + names.get(i), expAvgViews.get(i));
        }
        for (int i = 0; i < names.size(); i++) {
            out.put(EXP_AVG_SQ + names.get(i), expAvgSqViews.get(i));
        }
        return out;
    }

    /**
     * Restores moments and step count saved from an optimizer of the same model.
     *
     * @throws HybridVisionException if an entry is missing or has the wrong shape
     */
    public void loadState(Map<String, NDArray> state, long stepCount) {
        NDList m = new NDList(names.size());
        NDList v = new NDList(names.size());
        try (NDManager scratch = stateManager.newSubManager()) {
            for (int i = 0; i < names.size(); i++) {
                m.add(flatCopy(state, EXP_AVG + names.get(i), i, scratch));
                v.add(flatCopy(state, EXP_AVG_SQ + names.get(i), i, scratch));
            }
            NDArray mFlat = NDArrays.concat(m);
            NDArray vFlat = NDArrays.concat(v);
            setMoments(mFlat, vFlat);
        }
        this.step = stepCount;
    }

    private NDArray flatCopy(Map<String, NDArray> state, String key, int i, NDManager scratch) {
        NDArray src = state.get(key);
        Shape want = params.get(i).getArray().getShape();
        if (src == null || !src.getShape().equals(want)) {
            throw new HybridVisionException("optimizer state in the checkpoint does not fit this model (" + key
                    + (src == null ? " missing" : " has shape " + src.getShape() + ", expected " + want)
                    + "); resume with the same model and configuration, or start a new run.");
        }
        NDArray f = src.toType(DataType.FLOAT32, true).flatten();
        f.attach(scratch);
        return f;
    }

    @Override
    public void close() {
        stateManager.close();
    }
}
