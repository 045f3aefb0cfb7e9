package org.hybridvision.train;

import ai.djl.nn.Parameter;
import org.hybridvision.models.Cmt;
import org.hybridvision.models.Conformer;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decay / no-decay split is exactly: no decay for 1-D tensors, biases, cls_token and relative_pos_*. */
class WeightDecayGroupsTest {

    @Test
    void conformerGroups() {
        Conformer net = new Conformer(new Conformer.Config(16, 0.25, 32, 6, 2, 2.0, true, 10, 0f));
        WeightDecayGroups.Groups g = WeightDecayGroups.of(net);
        Map<String, Parameter> params = net.namedParameters();
        assertEquals(params.size(), g.decay().size() + g.noDecay().size());
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            int dims = e.getValue().getShape().dimension();
            boolean expectDecay = dims >= 2 && !e.getKey().equals("cls_token");
            assertEquals(expectDecay, g.decay().contains(e.getKey()), e.getKey());
        }
        assertTrue(g.noDecay().contains("cls_token"));
        assertTrue(g.noDecay().contains("trans_cls_head.bias"));
        assertTrue(g.noDecay().contains("bn1.weight"));
        assertTrue(g.noDecay().contains("trans_1.norm1.weight"));
        assertTrue(g.noDecay().contains("trans_patch_conv.bias"));
        assertTrue(g.decay().contains("conv1.weight"));
        assertTrue(g.decay().contains("trans_1.attn.qkv.weight"));
        assertTrue(g.decay().contains("conv_cls_head.weight"));
        assertFalse(g.noDecay().stream().anyMatch(k -> k.contains("running_") || k.contains("num_batches")));
        assertFalse(g.decay().stream().anyMatch(k -> k.contains("running_") || k.contains("num_batches")));
    }

    @Test
    void cmtGroupsSkipRelativePositionBiases() {
        Cmt net = new Cmt(Cmt.Config.ti().withNumClasses(10));
        WeightDecayGroups.Groups g = WeightDecayGroups.of(net);
        long rel = net.namedParameters().keySet().stream().filter(k -> k.startsWith("relative_pos_")).count();
        assertEquals(4, rel);
        for (Map.Entry<String, Parameter> e : net.namedParameters().entrySet()) {
            int dims = e.getValue().getShape().dimension();
            boolean expectDecay = dims >= 2 && !e.getKey().startsWith("relative_pos_");
            assertEquals(expectDecay, g.decay().contains(e.getKey()), e.getKey());
        }
        assertTrue(g.noDecay().contains("relative_pos_a"));
    }
}
