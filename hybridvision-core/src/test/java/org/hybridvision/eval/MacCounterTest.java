package org.hybridvision.eval;

import ai.djl.Device;
import org.hybridvision.models.Conformer;
import org.hybridvision.models.LoadedModel;
import org.hybridvision.models.Models;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code info} totals of all eight official variants against the spec's MAC tables (A1, B1). */
class MacCounterTest {

    /** MACs computed from the official code (conv + linear + attention matmuls), spec tables A1 and B1. */
    private static final Map<String, Double> SPEC_GMACS = new LinkedHashMap<>();

    static {
        SPEC_GMACS.put("conformer_tiny_patch16", 5.226);
        SPEC_GMACS.put("conformer_small_patch16", 10.599);
        SPEC_GMACS.put("conformer_small_patch32", 7.046);
        SPEC_GMACS.put("conformer_base_patch16", 23.326);
        SPEC_GMACS.put("cmt_ti", 0.639);
        SPEC_GMACS.put("cmt_xs", 1.547);
        SPEC_GMACS.put("cmt_s", 4.032);
        SPEC_GMACS.put("cmt_b", 9.317);
    }

    @Test
    void allEightVariantsMatchTheSpecWithinTwoPercent() {
        StringBuilder report = new StringBuilder();
        for (Map.Entry<String, Double> e : SPEC_GMACS.entrySet()) {
            ModelInfo info = ModelInfo.of(e.getKey(), 0);
            assertEquals(Models.spec(e.getKey()).inputSize(), info.height(), "counted at the default size");
            double rel = (info.gmacs() - e.getValue()) / e.getValue();
            report.append(String.format("%s %.4f G vs %.3f G (%+.2f%%)%n", e.getKey(), info.gmacs(), e.getValue(),
                    100 * rel));
            assertTrue(Math.abs(rel) < 0.02, e.getKey() + ": " + info.gmacs() + " G vs spec " + e.getValue());
            long stageSum = info.macs().byStage().values().stream().mapToLong(Long::longValue).sum();
            assertEquals(info.macs().total(), stageSum, "stages add up to the total");
            long paramSum = info.parametersByStage().values().stream().mapToLong(Long::longValue).sum();
            assertEquals(info.parameters(), paramSum, "stage parameters add up");
            assertEquals(Models.spec(e.getKey()).paperParams(), info.parameters(), "parameter count");
            if (e.getKey().equals("conformer_small_patch16")) {
                assertEquals(10.6, info.gmacs(), 10.6 * 0.02, "paper: Conformer-S 10.6 GMACs");
            }
            if (e.getKey().equals("cmt_s")) {
                assertEquals(4.0, info.gmacs(), 4.0 * 0.02, "paper: CMT-S 4.0 GMACs");
            }
        }
        System.out.print(report);
    }

    @Test
    void dryRunCountsEqualRealForwardCounts() {
        Conformer net = new Conformer(new Conformer.Config(16, 0.25, 32, 6, 2, 2, true, 3, 0f));
        try (LoadedModel m = Models.wrap(Models.spec("conformer_tiny_patch16"), net, Device.cpu())) {
            MacCounter.Report dry = MacCounter.count(net, m.manager(), 64, 96, true);
            MacCounter.Report real = MacCounter.count(net, m.manager(), 64, 96, false);
            assertEquals(real.byModule(), dry.byModule());
            assertEquals(real.total(), dry.total());
            assertTrue(dry.byOp().get("attention") > 0 && dry.byOp().get("conv") > 0 && dry.byOp().get("linear") > 0);
            // hand count of the stem: 7x7 conv 3->64, stride 2 on 64x96 -> 32x48 outputs
            assertEquals(32L * 48 * 64 * 3 * 49, dry.byModule().get("conv1"));
            assertTrue(dry.byModule().containsKey("trans_1.attn.(attention)"), dry.byModule().keySet().toString());
        }
    }
}
