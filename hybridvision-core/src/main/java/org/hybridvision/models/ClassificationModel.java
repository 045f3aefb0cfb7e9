package org.hybridvision.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import org.hybridvision.layers.Module;
import org.hybridvision.layers.NoGrad;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every model of the library offers: classification logits (with the individual heads where a family has
 * several), multi-scale feature maps for dense prediction, and an input-size check with a clear message.
 *
 * <p>As a DJL {@link ai.djl.nn.Block}, {@code forward(store, NDList(x), training)} returns {@code [logits, head...]}
 * with each array named ({@code "logits"}, then e.g. {@code "conv"} and {@code "trans"} for Conformer).
 */
public abstract class ClassificationModel extends Module {
    /**
     * The DJL model that owns this network's tensors, held only to keep it reachable: DJL closes a model's manager
     * (freeing every parameter) when the model object is garbage-collected, so a caller that keeps just the network
     * ({@code Models.create(name).net()}) would otherwise see its weights freed under it at a random moment.
     */
    private Object owner;

    /** Ties the lifetime of the owning DJL model to this network (see the field {@code owner}). */
    final void bindOwner(Object model) {
        this.owner = model;
    }


    /** Logits used for prediction plus every head's own logits (a single {@code "logits"} head for one-head models). */
    public record Output(NDArray logits, Map<String, NDArray> heads) {}

    /** @return the number of classes of the classifier head(s) */
    public abstract int numClasses();

    /**
     * Eval or train forward pass of an image batch {@code [B, 3, H, W]} (already normalised).
     *
     * @throws org.hybridvision.HybridVisionException if the input size is not supported
     */
    public abstract Output forwardHeads(Ctx ctx, NDArray images);

    /**
     * Inference: an eval-mode forward of {@code images} with autograd recording off (safe on any thread). Results
     * live in the manager of {@code images}.
     */
    public final Output infer(NDArray images) {
        return NoGrad.run(() -> forwardHeads(Ctx.eval(images.getManager()), images));
    }

    /**
     * The four feature maps at strides 4, 8, 16 and 32 for detection/segmentation necks ({@code [B, C_i, H/s, W/s]}).
     */
    public abstract List<NDArray> features(Ctx ctx, NDArray images);

    /** @return the state-dict key prefixes of the classifier head(s), replaced when fine-tuning on new classes */
    public abstract List<String> classifierPrefixes();

    /**
     * Checks that an {@code h x w} input can run through the model.
     *
     * @throws org.hybridvision.HybridVisionException saying which sizes work, if it cannot
     */
    public abstract void checkInputSize(long h, long w);

    /**
     * Family-specific adaptation of a checkpoint before it is loaded (the one place where remapping happens): the
     * identity by default; CMT resizes relative-position biases built for another input size.
     *
     * @param stateDict tensors by PyTorch name
     * @return the tensors to load (may be the same map)
     */
    public Map<String, NDArray> adaptStateDict(Map<String, NDArray> stateDict) {
        return stateDict;
    }

    /** @return a one-line description of the configuration, stored in checkpoints written by this project */
    public String describeConfig() {
        return getClass().getSimpleName();
    }

    @Override
    public NDList forward(Ctx ctx, NDList inputs) {
        Output out = forwardHeads(ctx, inputs.head());
        NDList list = new NDList();
        out.logits().setName("logits");
        list.add(out.logits());
        if (out.heads().size() > 1) {
            for (Map.Entry<String, NDArray> e : out.heads().entrySet()) {
                e.getValue().setName(e.getKey());
                list.add(e.getValue());
            }
        }
        return list;
    }

    /** Helper for subclasses: an ordered map of named heads. */
    protected static Map<String, NDArray> heads(Object... nameThenArray) {
        Map<String, NDArray> m = new LinkedHashMap<>();
        for (int i = 0; i < nameThenArray.length; i += 2) {
            m.put((String) nameThenArray[i], (NDArray) nameThenArray[i + 1]);
        }
        return m;
    }
}
