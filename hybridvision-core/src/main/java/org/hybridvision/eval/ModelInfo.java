package org.hybridvision.eval;

import ai.djl.nn.Parameter;
import org.hybridvision.data.EvalTransform;
import org.hybridvision.models.ClassificationModel;
import org.hybridvision.models.Cmt;
import org.hybridvision.models.Conformer;
import org.hybridvision.models.LoadedModel;
import org.hybridvision.models.ModelSpec;
import org.hybridvision.models.Models;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code hybridvision info NAME} prints: parameters and multiply-accumulates per stage and in total at a given
 * input size, the input sizes the model accepts, and its default evaluation transform.
 *
 * @param name registry name
 * @param family model family
 * @param height input height the MACs were counted at
 * @param width input width the MACs were counted at
 * @param parameters trainable parameters (BatchNorm statistics excluded, as {@code model.parameters()} in PyTorch)
 * @param parametersByStage parameters per stage
 * @param macs the MAC count per stage and op
 * @param paperGMacs the paper's number at the default size (NaN when not published)
 * @param sizeConstraint which input sizes work
 * @param transform the default evaluation transform, described
 * @param strides output stride of each stage
 * @param defaultSize the variant's default input side (the paper's numbers hold there)
 */
public record ModelInfo(String name, String family, int height, int width, long parameters,
                        Map<String, Long> parametersByStage, MacCounter.Report macs, double paperGMacs,
                        String sizeConstraint, String transform, Map<String, String> strides,
                        int defaultSize) {

    /**
     * Builds the variant (random weights: counts do not depend on them), counts its parameters and runs one forward
     * pass at {@code size x size} to count MACs.
     *
     * @param name a registered variant
     * @param size input side, or 0 for the variant's default
     * @return the description
     * @throws org.hybridvision.HybridVisionException for an unknown name or an unsupported size
     */
    public static ModelInfo of(String name, int size) {
        ModelSpec spec = Models.spec(name);
        try (LoadedModel m = Models.create(name)) {
            return of(m, size > 0 ? size : spec.inputSize());
        }
    }

    /**
     * @param model a model (its spec gives the name and the transform)
     * @param size input side
     * @return the description
     */
    public static ModelInfo of(LoadedModel model, int size) {
        ModelSpec spec = model.spec();
        ClassificationModel net = model.net();
        StageGrouping stages = StageGrouping.of(net);
        Map<String, Long> params = new LinkedHashMap<>();
        Map<String, String> strides = new LinkedHashMap<>();
        for (String s : stages.stages()) {
            params.put(s, 0L);
            strides.put(s, stages.stride(s));
        }
        for (Map.Entry<String, Parameter> e : net.namedParameters().entrySet()) {
            params.merge(stages.stageOf(e.getKey()), e.getValue().getShape().size(), Long::sum);
        }
        MacCounter.Report macs = MacCounter.count(net, model.manager(), size, size);
        EvalTransform t = EvalTransform.forInput(spec.inputSize(), spec.cropPct());
        String transform = String.format(Locale.ROOT,
                "Resize shorter side to %d (bicubic, PIL-compatible; = floor(%d / %s)), CenterCrop %dx%d, "
                        + "ToTensor, Normalize mean=(%s) std=(%s)",
                t.resizeSize(), spec.inputSize(), trim(spec.cropPct()), spec.inputSize(), spec.inputSize(),
                join(spec.mean()), join(spec.std()));
        return new ModelInfo(spec.name(), spec.family(), size, size, net.parameterCount(), params, macs,
                spec.paperGMacs(), sizeConstraint(net, spec), transform, strides, spec.inputSize());
    }

    private static String sizeConstraint(ClassificationModel net, ModelSpec spec) {
        if (net instanceof Conformer c) {
            int p = c.config().patchSize();
            return "height and width: positive multiples of " + p + " (the patch size), square or not; default "
                    + spec.inputSize() + "x" + spec.inputSize() + " (no positional embedding, so any such size runs "
                    + "with the same weights)";
        }
        if (net instanceof Cmt cmt) {
            int m = cmt.config().sizeMultiple();
            return "height and width: positive multiples of " + m + ", square or not; built for "
                    + cmt.config().imgSize() + "x" + cmt.config().imgSize()
                    + " (other sizes run with bicubically resized relative-position biases)";
        }
        return "default " + spec.inputSize() + "x" + spec.inputSize();
    }

    private static String trim(float f) {
        return Float.toString(f);
    }

    private static String join(float[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(v[i]);
        }
        return sb.toString();
    }

    /** @return whether the counts were made at the default input size */
    public boolean atDefaultSize() {
        return height == defaultSize && width == defaultSize;
    }

    /** @return total MACs in units of 10^9 */
    public double gmacs() {
        return macs.total() / 1e9;
    }

    /** @return a human-readable multi-line report */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s (%s)%n", name, family));
        sb.append(String.format(Locale.ROOT, "input: %dx%d; %s%n", height, width, sizeConstraint));
        sb.append(String.format(Locale.ROOT, "transform: %s%n%n", transform));
        sb.append(String.format(Locale.ROOT, "%-10s %7s %15s %8s %12s %8s%n", "stage", "stride", "parameters", "%",
                "GMACs", "%"));
        for (String s : parametersByStage.keySet()) {
            long p = parametersByStage.get(s);
            long m = macs.byStage().getOrDefault(s, 0L);
            sb.append(String.format(Locale.ROOT, "%-10s %7s %,15d %7.1f%% %12.4f %7.1f%%%n", s, strides.get(s), p,
                    100.0 * p / parameters, m / 1e9, 100.0 * m / macs.total()));
        }
        sb.append(String.format(Locale.ROOT, "%-10s %7s %,15d %8s %12.4f%n", "total", "", parameters, "",
                macs.total() / 1e9));
        sb.append(String.format(Locale.ROOT, "%nGMACs by op: %s%n", opText()));
        if (!Double.isNaN(paperGMacs) && atDefaultSize()) {
            sb.append(String.format(Locale.ROOT, "paper: %.1f GMACs at the default size (counted here: %.3f, %+.2f%%)%n",
                    paperGMacs, gmacs(), 100.0 * (gmacs() - paperGMacs) / paperGMacs));
        }
        sb.append("(MACs: convolutions, linear layers and both attention matrix products, for one image; biases, "
                + "norms and activations not counted)\n");
        return sb.toString();
    }

    private String opText() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Long> e : macs.byOp().entrySet()) {
            sb.append(sb.length() == 0 ? "" : ", ")
                    .append(String.format(Locale.ROOT, "%s %.4f", e.getKey(), e.getValue() / 1e9));
        }
        return sb.toString();
    }
}
