package org.hybridvision.models;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;

/**
 * A network together with the DJL {@link Model} (and so the {@link NDManager}) that owns its tensors. Close it to
 * free the native memory.
 */
public final class LoadedModel implements AutoCloseable {
    private final ModelSpec spec;
    private final ClassificationModel net;
    private final Model model;

    LoadedModel(ModelSpec spec, ClassificationModel net, Model model) {
        this.spec = spec;
        this.net = net;
        this.model = model;
    }

    /** @return the registry entry (input size, normalisation, ...) */
    public ModelSpec spec() {
        return spec;
    }

    /** @return the network */
    public ClassificationModel net() {
        return net;
    }

    /** @return the DJL model (for predictors) */
    public Model djlModel() {
        return model;
    }

    /** @return the manager that owns the parameters */
    public NDManager manager() {
        return model.getNDManager();
    }

    @Override
    public void close() {
        model.close();
    }
}
