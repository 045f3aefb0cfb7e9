package org.hybridvision.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Parameter;
import org.hybridvision.HybridVisionException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parameter counts, state-dict keys and shapes against the official code (spec A1, A7, Appendix A). */
class ConformerStructureTest {

    /** Reads a spec-derived "key TAB shape" table from test resources, in order. */
    static LinkedHashMap<String, String> specTable(String resource) throws IOException {
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        try (InputStream in = ConformerStructureTest.class.getResourceAsStream(resource)) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    String[] kv = line.split("\t");
                    out.put(kv[0], kv[1]);
                }
            }
        }
        return out;
    }

    static String shape(Parameter p) {
        StringBuilder sb = new StringBuilder("[");
        long[] s = p.getShape().getShape();
        for (int i = 0; i < s.length; i++) {
            sb.append(i > 0 ? "," : "").append(s[i]);
        }
        return sb.append(']').toString();
    }

    @Test
    void parameterCountsEqualTheOfficialCode() {
        // parameters only (no BatchNorm buffers), as sum(p.numel() for p in model.parameters())
        assertEquals(23_524_704L, Models.spec("conformer_tiny_patch16").build(1000).parameterCount());
        assertEquals(37_673_424L, Models.spec("conformer_small_patch16").build(1000).parameterCount());
        assertEquals(38_853_072L, Models.spec("conformer_small_patch32").build(1000).parameterCount());
        assertEquals(83_289_136L, Models.spec("conformer_base_patch16").build(1000).parameterCount());
    }

    @Test
    void everyVariantHas718StateDictEntries() {
        for (String name : List.of("conformer_tiny_patch16", "conformer_small_patch16", "conformer_small_patch32",
                "conformer_base_patch16")) {
            ClassificationModel net = Models.spec(name).build(1000);
            assertEquals(718, net.stateDictEntries().size(), name);
            assertEquals(Models.spec(name).paperParams(), net.parameterCount(), name);
        }
    }

    @Test
    void tinyStateDictEqualsAppendixAInOrderAndShape() throws IOException {
        LinkedHashMap<String, String> expected = specTable("/spec/conformer_ti_state_dict.tsv");
        LinkedHashMap<String, String> actual = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : Models.spec("conformer_tiny_patch16").build(1000)
                .stateDictEntries().entrySet()) {
            actual.put(e.getKey(), shape(e.getValue()));
        }
        assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(actual.keySet()));
        assertEquals(expected, actual);
    }

    @Test
    void patch32AndBaseShapesFollowTheVariant() {
        Map<String, Parameter> s32 = Models.spec("conformer_small_patch32").build(1000).stateDictEntries();
        assertEquals("[384,64,8,8]", shape(s32.get("trans_patch_conv.weight")));
        assertEquals("[1000,1024]", shape(s32.get("conv_cls_head.weight")));
        Map<String, Parameter> b = Models.spec("conformer_base_patch16").build(1000).stateDictEntries();
        assertEquals("[1728,576]", shape(b.get("conv_trans_5.trans_block.attn.qkv.weight")));
        assertEquals("[384,1536,1,1]", shape(b.get("conv_trans_12.fusion_block.conv1.weight")));
        assertEquals("[1536,1536,1,1]", shape(b.get("conv_trans_12.fusion_block.residual_conv.weight")));
    }

    @Test
    void unknownNameAndBadConfigsGiveClearMessages() {
        HybridVisionException e = assertThrows(HybridVisionException.class, () -> Models.spec("conformer_huge"));
        assertTrue(e.getMessage().contains("conformer_tiny_patch16"), e.getMessage());
        assertThrows(HybridVisionException.class,
                () -> new Conformer.Config(16, 1, 384, 10, 6, 4, true, 10, 0f));
        assertThrows(HybridVisionException.class,
                () -> new Conformer.Config(16, 1, 384, 12, 5, 4, true, 10, 0f));
    }
}
