package org.hybridvision.eval;

import org.hybridvision.models.ClassificationModel;
import org.hybridvision.models.Cmt;
import org.hybridvision.models.Conformer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Groups the state-dict names of a model (parameters, buffers, module paths) into the stages of its paper, so that
 * parameters and multiply-accumulates can be reported per stage.
 *
 * <ul>
 *   <li>Conformer (depth 12): {@code stem} ({@code conv1, bn1}), {@code c1-c4} ({@code conv_1, trans_patch_conv,
 *       trans_1, cls_token, conv_trans_2..4}; stride 4), {@code c5-c8} (stride 8), {@code c9-c12} (stride 16; the
 *       last fusion block goes to 32), {@code head} ({@code trans_norm, conv_cls_head, trans_cls_head}). Other
 *       depths split the same way into thirds.</li>
 *   <li>CMT: {@code stem} ({@code stem_*}), {@code stage_a..stage_d} ({@code patch_embed_x, blocks_x.*,
 *       relative_pos_x}; strides 4..32), {@code head} ({@code _fc, _bn, head}).</li>
 *   <li>Any other model: one group per top-level child.</li>
 * </ul>
 */
public final class StageGrouping {
    private final List<String> stages;
    private final Map<String, String> strides;
    private final Function<String, String> classify;

    private StageGrouping(List<String> stages, Map<String, String> strides, Function<String, String> classify) {
        this.stages = List.copyOf(stages);
        this.strides = strides;
        this.classify = classify;
    }

    /**
     * @param net the model
     * @return its grouping
     */
    public static StageGrouping of(ClassificationModel net) {
        if (net instanceof Conformer c) {
            return conformer(c.config().depth());
        }
        if (net instanceof Cmt) {
            return cmt();
        }
        List<String> top = new ArrayList<>(net.submodules().keySet().stream().map(StageGrouping::top).distinct()
                .toList());
        top.add("other");
        return new StageGrouping(top, Map.of(), key -> top.contains(top(key)) ? top(key) : "other");
    }

    private static StageGrouping conformer(int depth) {
        int g = depth / 3;
        String s1 = "c1-c" + g;
        String s2 = "c" + (g + 1) + "-c" + (2 * g);
        String s3 = "c" + (2 * g + 1) + "-c" + depth;
        Map<String, String> strides = new LinkedHashMap<>();
        strides.put("stem", "4");
        strides.put(s1, "4");
        strides.put(s2, "8");
        strides.put(s3, "16/32");
        strides.put("head", "-");
        return new StageGrouping(List.of("stem", s1, s2, s3, "head"), strides, key -> {
            String t = top(key);
            switch (t) {
                case "conv1":
                case "bn1":
                    return "stem";
                case "conv_1":
                case "trans_patch_conv":
                case "trans_1":
                case "cls_token":
                    return s1;
                case "trans_norm":
                case "conv_cls_head":
                case "trans_cls_head":
                    return "head";
                default:
                    if (t.startsWith("conv_trans_")) {
                        int i = Integer.parseInt(t.substring("conv_trans_".length()));
                        return i <= g ? s1 : i <= 2 * g ? s2 : s3;
                    }
                    return "head";
            }
        });
    }

    private static StageGrouping cmt() {
        Map<String, String> strides = new LinkedHashMap<>();
        strides.put("stem", "2");
        strides.put("stage_a", "4");
        strides.put("stage_b", "8");
        strides.put("stage_c", "16");
        strides.put("stage_d", "32");
        strides.put("head", "-");
        return new StageGrouping(List.of("stem", "stage_a", "stage_b", "stage_c", "stage_d", "head"), strides, key -> {
            String t = top(key);
            if (t.startsWith("stem_")) {
                return "stem";
            }
            for (String x : new String[] {"a", "b", "c", "d"}) {
                if (t.equals("patch_embed_" + x) || t.equals("blocks_" + x) || t.equals("relative_pos_" + x)) {
                    return "stage_" + x;
                }
            }
            return "head";
        });
    }

    private static String top(String key) {
        int dot = key.indexOf('.');
        return dot < 0 ? key : key.substring(0, dot);
    }

    /** @return the stage names, in forward order */
    public List<String> stages() {
        return stages;
    }

    /**
     * @param stage a stage name
     * @return its output stride relative to the input (e.g. {@code "8"}), or {@code "-"} for heads / unknown
     */
    public String stride(String stage) {
        return strides.getOrDefault(stage, "-");
    }

    /**
     * @param key a state-dict key or module path, e.g. {@code conv_trans_5.cnn_block.conv2.weight}
     * @return the stage it belongs to
     */
    public String stageOf(String key) {
        return classify.apply(key);
    }
}
