package org.hybridvision.train;

import ai.djl.nn.Parameter;
import org.hybridvision.layers.Module;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place that decides which parameters get weight decay.
 *
 * <p>No decay for:
 * <ul>
 *   <li>every tensor with at most one dimension: biases, LayerNorm / BatchNorm weights (timm's rule, used by both
 *       official training scripts);</li>
 *   <li>{@code cls_token} (Conformer's {@code no_weight_decay()});</li>
 *   <li>the relative-position biases {@code relative_pos_*} of CMT. <b>Deliberate difference:</b> the official CMT
 *       script names non-existent parameters in {@code no_weight_decay()}, so it <i>does</i> decay
 *       {@code relative_pos}; this project follows the recipe as stated in its issue ("skip position biases"), which
 *       is also what timm does for position embeddings.</li>
 * </ul>
 * Every other trainable tensor (conv and linear weights) is decayed. Buffers are never optimised.
 */
public final class WeightDecayGroups {
    private WeightDecayGroups() {}

    /**
     * The two parameter groups.
     *
     * @param decay names of parameters that receive weight decay, in state-dict order
     * @param noDecay names of parameters without weight decay, in state-dict order
     */
    public record Groups(List<String> decay, List<String> noDecay) {}

    /** @return whether the parameter {@code name} with {@code dims} dimensions receives weight decay */
    public static boolean decays(String name, int dims) {
        String leaf = name.substring(name.lastIndexOf('.') + 1);
        if (dims <= 1 || leaf.equals("bias")) {
            return false;
        }
        return !(leaf.equals("cls_token") || leaf.startsWith("relative_pos"));
    }

    /** Splits the trainable parameters of {@code model}. */
    public static Groups of(Module model) {
        List<String> decay = new ArrayList<>();
        List<String> noDecay = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            (decays(e.getKey(), e.getValue().getShape().dimension()) ? decay : noDecay).add(e.getKey());
        }
        return new Groups(Collections.unmodifiableList(decay), Collections.unmodifiableList(noDecay));
    }

    /** @return parameter name to its weight decay ({@code weightDecay} or 0), in state-dict order */
    public static LinkedHashMap<String, Float> perParameter(Module model, float weightDecay) {
        LinkedHashMap<String, Float> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            out.put(e.getKey(), decays(e.getKey(), e.getValue().getShape().dimension()) ? weightDecay : 0f);
        }
        return out;
    }
}
