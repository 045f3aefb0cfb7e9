package org.hybridvision.inference;

import ai.djl.Device;
import org.hybridvision.models.ClassificationModel;
import org.hybridvision.models.Conformer;
import org.hybridvision.models.LoadedModel;
import org.hybridvision.models.ModelSpec;
import org.hybridvision.models.Models;

import java.util.function.IntFunction;

/** Tiny models at 64x64 for fast tests. */
public final class InferenceTestModels {
    private InferenceTestModels() {}

    /** A spec at 64 px with the standard evaluation transform. */
    public static ModelSpec spec(String name, int classes, IntFunction<ClassificationModel> builder) {
        return new ModelSpec(name, "test", builder, 64, 0.875f, ModelSpec.IMAGENET_MEAN, ModelSpec.IMAGENET_STD,
                classes, 0, Double.NaN, Double.NaN, "test model");
    }

    /** A 6-stage Conformer with 32-dim tokens and {@code classes} outputs, random weights, at 64 px. */
    public static Classifier tinyConformer(int classes) {
        IntFunction<ClassificationModel> b = c -> new Conformer(new Conformer.Config(16, 0.25, 32, 6, 2, 2, true, c, 0f));
        ModelSpec spec = spec("tiny_conformer", classes, b);
        LoadedModel m = Models.wrap(spec, spec.build(classes), Device.cpu());
        return new Classifier(m, null, 64, true);
    }
}
