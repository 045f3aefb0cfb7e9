package org.hybridvision.models;

import java.util.function.IntFunction;

/**
 * A registered variant (timm's "default cfg"): how to build it and how it expects its input.
 *
 * @param name registry name, e.g. {@code conformer_tiny_patch16}
 * @param family {@code conformer} or {@code cmt}
 * @param builder builds the network for a given class count
 * @param inputSize default (square) input side in pixels
 * @param cropPct centre-crop fraction of the evaluation transform (resize shorter side to inputSize / cropPct)
 * @param mean per-channel normalisation mean (RGB, 0..1 scale)
 * @param std per-channel normalisation std
 * @param numClasses default class count (ImageNet-1k)
 * @param paperParams parameter count of the official code at the default size
 * @param paperGMacs multiply-accumulates (G) reported by the paper at the default size
 * @param paperTop1 ImageNet-1k top-1 reported for the released weights (percent)
 * @param description one line for listings
 */
public record ModelSpec(String name, String family, IntFunction<ClassificationModel> builder, int inputSize,
                        float cropPct, float[] mean, float[] std, int numClasses, long paperParams,
                        double paperGMacs, double paperTop1, String description) {

    /** ImageNet mean (RGB). */
    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    /** ImageNet std (RGB). */
    public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    /** Builds the network with {@code classes} outputs (tensors not allocated yet). */
    public ClassificationModel build(int classes) {
        return builder.apply(classes);
    }
}
