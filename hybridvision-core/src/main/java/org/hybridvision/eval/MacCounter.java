package org.hybridvision.eval;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.hybridvision.layers.Module;
import org.hybridvision.layers.OpCounter;
import org.hybridvision.models.ClassificationModel;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts the multiply-accumulates (MACs) of a model by running one forward pass with counting switched on (see
 * {@link OpCounter} for what is counted: convolutions, linear layers and the two attention matrix products, which is
 * the convention of the Conformer and CMT papers). By default the pass is a dry run: the counted ops return zeros
 * of their output shape instead of computing, so even Conformer-B is counted in well under a second.
 *
 * <pre>{@code
 * MacCounter.Report r = MacCounter.count(model.net(), model.manager(), 224, 224);
 * System.out.println(r.total() / 1e9 + " GMACs");
 * }</pre>
 *
 * <p>Every op is attributed to the module that ran it, by its state-dict path ({@code conv_trans_5.cnn_block.conv2});
 * attention, which runs outside any module, is attributed to the parent of the projection that preceded it, under
 * the name {@code <parent>.(attention)}. Ops are then grouped by {@link StageGrouping}.
 */
public final class MacCounter {
    private MacCounter() {}

    /**
     * Result of a count.
     *
     * @param height input height used
     * @param width input width used
     * @param total all MACs of one image
     * @param byOp MACs per op kind ({@code conv}, {@code linear}, {@code attention})
     * @param byModule MACs per module path, in execution order
     * @param byStage MACs per stage of {@link StageGrouping}, in forward order
     */
    public record Report(int height, int width, long total, Map<String, Long> byOp, Map<String, Long> byModule,
                         Map<String, Long> byStage) {}

    /**
     * Runs one dry forward pass (see {@link OpCounter#install(OpCounter.Sink, boolean)}) of a single
     * {@code height x width} image through {@code net} in eval mode and counts its MACs. Temporary tensors live in a
     * sub-manager of {@code manager} and are freed before returning.
     *
     * @param net the model, with initialised (or loaded) tensors
     * @param manager the manager that owns the model's tensors
     * @param height input height (must satisfy {@link ClassificationModel#checkInputSize})
     * @param width input width
     * @return the counts
     * @throws org.hybridvision.HybridVisionException if the size is not supported by the model
     */
    public static Report count(ClassificationModel net, NDManager manager, int height, int width) {
        return count(net, manager, height, width, true);
    }

    /**
     * Counts the MACs of one {@code height x width} image.
     *
     * @param net the model, with initialised (or loaded) tensors
     * @param manager the manager that owns the model's tensors
     * @param height input height (must satisfy {@link ClassificationModel#checkInputSize})
     * @param width input width
     * @param dryRun skip the counted ops themselves (fast; they return zeros of the right shape); false runs the real
     *     forward pass, with identical counts
     * @return the counts
     * @throws org.hybridvision.HybridVisionException if the size is not supported by the model
     */
    public static Report count(ClassificationModel net, NDManager manager, int height, int width, boolean dryRun) {
        net.checkInputSize(height, width);
        Map<Module, String> names = new IdentityHashMap<>();
        index(net, "", names);
        StageGrouping stages = StageGrouping.of(net);
        Map<String, Long> byOp = new LinkedHashMap<>();
        Map<String, Long> byModule = new LinkedHashMap<>();
        Map<String, Long> byStage = new LinkedHashMap<>();
        for (String s : stages.stages()) {
            byStage.put(s, 0L);
        }
        long[] total = {0};
        String[] last = {""};
        OpCounter.Sink sink = (module, op, macs) -> {
            String path;
            if (module != null) {
                path = names.getOrDefault(module, "?");
                last[0] = path;
            } else {
                int dot = last[0].lastIndexOf('.');
                path = (dot < 0 ? "" : last[0].substring(0, dot + 1)) + "(" + op + ")";
            }
            total[0] += macs;
            byOp.merge(op, macs, Long::sum);
            byModule.merge(path, macs, Long::sum);
            byStage.merge(stages.stageOf(path), macs, Long::sum);
        };
        try (NDManager scratch = manager.newSubManager();
             OpCounter.Installation ignored = OpCounter.install(sink, dryRun)) {
            net.forwardHeads(Module.Ctx.eval(manager), scratch.zeros(new Shape(1, 3, height, width)));
        }
        return new Report(height, width, total[0], Collections.unmodifiableMap(byOp),
                Collections.unmodifiableMap(byModule), Collections.unmodifiableMap(byStage));
    }

    private static void index(Module m, String prefix, Map<Module, String> names) {
        for (Map.Entry<String, Module> e : m.submodules().entrySet()) {
            String path = prefix + e.getKey();
            names.put(e.getValue(), path);
            index(e.getValue(), path + ".", names);
        }
    }
}
