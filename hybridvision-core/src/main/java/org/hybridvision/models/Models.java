package org.hybridvision.models;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import org.hybridvision.HybridVisionException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The front door: every named variant with its default configuration, and {@link #create} to build one.
 *
 * <pre>{@code
 * try (LoadedModel m = Models.create("conformer_small_patch16")) { ... }
 * try (LoadedModel m = Models.create("cmt_s", 10, Path.of("run/best.safetensors"), false)) { ... }
 * }</pre>
 */
public final class Models {
    private Models() {}

    private static final Map<String, ModelSpec> REGISTRY = new LinkedHashMap<>();

    static {
        // Conformer (spec A1): patch, channel ratio, E, depth, heads, mlp ratio; qkv bias on; drop-path default 0.
        conformer("conformer_tiny_patch16", 16, 1, 384, 6, 23_524_704L, 5.2, 81.3, "Conformer-Ti (23.5 M)");
        conformer("conformer_small_patch16", 16, 4, 384, 6, 37_673_424L, 10.6, 83.4, "Conformer-S (37.7 M)");
        conformer("conformer_small_patch32", 32, 4, 384, 6, 38_853_072L, 7.046, Double.NaN,
                "Conformer-S/32 (38.9 M; weights released for detection)");
        conformer("conformer_base_patch16", 16, 6, 576, 9, 83_289_136L, 23.3, 84.1, "Conformer-B (83.3 M)");
        // CMT variants: registered in Cmt.register (spec B1)
        Cmt.register(REGISTRY);
        // the main job's small Conformer for Fashion-MNIST: 28x28 images resized to 48x48 (bicubic; the evaluation
        // transform with crop fraction 1 does exactly that)
        REGISTRY.put("conformer_fashion48", new ModelSpec("conformer_fashion48", "conformer",
                classes -> new Conformer(new Conformer.Config(16, 0.5, 96, 6, 4, 4.0, true, classes, 0f)),
                48, 1.0f, ModelSpec.IMAGENET_MEAN, ModelSpec.IMAGENET_STD, 10, 0, Double.NaN, Double.NaN,
                "small Conformer for 28x28 images resized to 48x48 (the main job's Fashion-MNIST model)"));
    }

    /**
     * Registers a custom configuration under its name, so that every command and {@code --resume} can rebuild it
     * (e.g. a tiny model for tests or an experiment). A registered name replaces an earlier one.
     */
    public static synchronized void register(ModelSpec spec) {
        REGISTRY.put(spec.name(), spec);
    }

    private static void conformer(String name, int patch, double ratio, int dim, int heads, long params,
                                  double gmacs, double top1, String description) {
        REGISTRY.put(name, new ModelSpec(name, "conformer",
                classes -> new Conformer(new Conformer.Config(patch, ratio, dim, 12, heads, 4.0, true, classes, 0f)),
                224, 0.875f, ModelSpec.IMAGENET_MEAN, ModelSpec.IMAGENET_STD, 1000, params, gmacs, top1, description));
    }

    /** @return every registered variant, in listing order */
    public static Map<String, ModelSpec> specs() {
        return Collections.unmodifiableMap(REGISTRY);
    }

    /**
     * @return the spec of a registered variant
     * @throws HybridVisionException listing the known names if {@code name} is unknown
     */
    public static synchronized ModelSpec spec(String name) {
        ModelSpec s = REGISTRY.get(name);
        if (s == null) {
            throw new HybridVisionException("unknown model '" + name + "'. Known models: "
                    + String.join(", ", REGISTRY.keySet()) + " (run './hybridvision models' for details).");
        }
        return s;
    }

    /** A randomly initialised variant with its default class count, on the default device. */
    public static LoadedModel create(String name) {
        return create(name, spec(name).numClasses());
    }

    /** A randomly initialised variant with {@code numClasses} outputs, on the default device. */
    public static LoadedModel create(String name, int numClasses) {
        ModelSpec s = spec(name);
        return wrap(s, s.build(numClasses), Engine.getInstance().defaultDevice());
    }

    /**
     * Wraps an already-built network (e.g. a custom configuration) in a DJL {@link Model} whose manager owns every
     * tensor; the tensors are initialised with the family's official scheme.
     */
    public static LoadedModel wrap(ModelSpec spec, ClassificationModel net, Device device) {
        Model model = Model.newInstance(spec.name(), device, "PyTorch");
        model.setBlock(net);
        net.bindOwner(model);
        net.initializeTensors(model.getNDManager());
        return new LoadedModel(spec, net, model);
    }
}
