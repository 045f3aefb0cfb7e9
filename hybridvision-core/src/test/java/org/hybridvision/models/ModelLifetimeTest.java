package org.hybridvision.models;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DJL closes a model's manager (and so frees every parameter) when the {@code Model} object is garbage-collected.
 * A caller that keeps only the network must still have working weights: the network keeps its owner reachable.
 */
class ModelLifetimeTest {

    @Test
    void networkKeepsItsWeightsAliveWhenOnlyTheNetworkIsKept() {
        ClassificationModel net = build();
        WeakReference<Object> probe = new WeakReference<>(new Object());
        for (int i = 0; i < 20 && probe.get() != null; i++) {
            System.gc();
        }
        for (int i = 0; i < 5; i++) {
            System.gc();
            System.runFinalization();
        }
        assertTrue(net.namedParameters().values().iterator().next().getArray().getManager().isOpen(),
                "the parameters' manager was closed although the network is still in use");
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray logits = net.infer(m.randomNormal(new Shape(1, 3, 32, 32))).logits();
            assertTrue(Float.isFinite(logits.sum().getFloat()));
        }
    }

    /** Builds a model and drops every reference to its LoadedModel / DJL Model. */
    private static ClassificationModel build() {
        Conformer.Config c = new Conformer.Config(16, 0.25, 64, 6, 4, 4.0, true, 3, 0f);
        return Models.wrap(Models.spec("conformer_tiny_patch16"), new Conformer(c), Device.cpu()).net();
    }
}
