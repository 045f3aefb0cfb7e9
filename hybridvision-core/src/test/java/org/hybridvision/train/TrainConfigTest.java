package org.hybridvision.train;

import org.hybridvision.HybridVisionException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Progressive resizing settings: what the low-resolution epochs train on, and impossible combinations. */
class TrainConfigTest {

    @Test
    void lowResolutionEpochsKeepTheObjectToImageRatio() {
        TrainConfig cfg = Presets.fashionRecipe(9).toBuilder().set("resizeTo", 44).set("lowResEpochs", 6)
                .set("lowResSize", 32).build();
        assertEquals(32, cfg.trainSize(0));
        assertEquals(32, cfg.trainSize(5));
        assertEquals(48, cfg.trainSize(6));
        assertEquals(48, cfg.trainSize(8));
        TrainConfig low = cfg.atLowResolution();
        assertEquals(32, low.inputSize());
        assertEquals(29, low.resizeTo(), "44 of 48 pixels -> round(44 * 32 / 48) = 29 of 32");
        assertEquals(0, low.lowResEpochs());
        assertEquals(cfg.lr(), low.lr());
        TrainConfig noResize = cfg.toBuilder().set("resizeTo", 0).build().atLowResolution();
        assertEquals(0, noResize.resizeTo());
    }

    @Test
    void impossibleProgressiveResizingIsRejectedWithTheOptionName() {
        TrainConfig cfg = Presets.fashionRecipe(4);
        HybridVisionException all = assertThrows(HybridVisionException.class,
                () -> cfg.toBuilder().set("lowResEpochs", 4).set("lowResSize", 32).build());
        assertTrue(all.getMessage().contains("--low-res-epochs"), all.getMessage());
        HybridVisionException larger = assertThrows(HybridVisionException.class,
                () -> cfg.toBuilder().set("lowResEpochs", 2).set("lowResSize", 64).build());
        assertTrue(larger.getMessage().contains("--low-res-size"), larger.getMessage());
    }
}
