package org.hybridvision.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.util.function.UnaryOperator;

/**
 * Runs one stage of a network with its temporaries in an NDManager scope of their own, closed when the stage is
 * done: only the stage's outputs stay in the caller's manager, so the peak memory of an inference pass holds one
 * stage's intermediates instead of the whole network's. Autograd keeps what the backward pass needs natively, so
 * training is unaffected.
 */
public final class Scoped {
    private Scoped() {}

    /**
     * @param inputs the stage's inputs, all owned by the same manager (the batch's)
     * @param body the stage
     * @return the stage's outputs, owned by the inputs' manager
     */
    public static NDList run(NDList inputs, UnaryOperator<NDList> body) {
        NDManager parent = inputs.head().getManager();
        try (NDManager scope = parent.newSubManager()) {
            // results of ops on the inputs now land in the scope (memory trap 1); the inputs go back on close
            for (NDArray in : inputs) {
                scope.tempAttachAll(in);
            }
            NDList out = body.apply(inputs);
            out.attach(parent);
            return out;
        }
    }
}
