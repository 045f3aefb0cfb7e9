package org.hybridvision.models;

import java.util.Map;

/** CMT (Guo et al., CVPR 2022). Work in progress: being written. */
final class Cmt {
    private Cmt() {}

    static void register(Map<String, ModelSpec> registry) {
        // variants are added with the model
    }
}
