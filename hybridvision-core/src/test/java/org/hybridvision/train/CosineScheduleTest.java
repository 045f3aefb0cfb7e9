package org.hybridvision.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Warm-up + cosine values at known steps. */
class CosineScheduleTest {
    @Test
    void valuesAtKnownSteps() {
        CosineSchedule s = new CosineSchedule(1e-3, 1e-5, 1e-6, 10, 110);
        assertEquals(1e-6, s.lr(0), 1e-15);
        assertEquals(5.005e-4, s.lr(5), 1e-15);               // halfway through the warm-up
        assertEquals(1e-3, s.lr(10), 1e-15);                  // peak
        assertEquals(8.55017856687e-4, s.lr(35), 1e-12);      // a quarter of the cosine: 1e-5 + 4.95e-4 (1 + cos(pi/4))
        assertEquals(5.05e-4, s.lr(60), 1e-15);               // half: the mean of peak and floor
        assertEquals(1e-5, s.lr(110), 1e-15);                 // end
        assertEquals(1e-5, s.lr(500), 1e-15);                 // past the end
        CosineSchedule noWarmup = new CosineSchedule(0.1, 0, 0, 0, 4);
        assertEquals(0.1, noWarmup.lr(0), 1e-15);
        assertEquals(0.05, noWarmup.lr(2), 1e-15);
    }
}
