package io.explainstream.gime;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FastExpTest {
    @Test
    void shouldAgreeWithMathExpToAFewUlps() {
        Random r = new Random(5);
        double worst = 0;
        for (int i = 0; i < 1_000_000; i++) {
            double x = i < 500_000 ? -r.nextDouble() * 60 : (r.nextDouble() - 0.5) * 1400;
            double expected = Math.exp(x);
            if (expected == 0 || Double.isInfinite(expected) || expected < Double.MIN_NORMAL) {
                continue;
            }
            worst = Math.max(worst, Math.abs(FastExp.exp(x) - expected) / expected);
        }
        assertTrue(worst < 1e-14, "worst relative error " + worst);
    }

    @Test
    void shouldHandleTheEnds() {
        assertEquals(1.0, FastExp.exp(0), 0);
        assertEquals(0.0, FastExp.exp(-1000), 0);
        assertEquals(Double.POSITIVE_INFINITY, FastExp.exp(1000));
        assertEquals(Math.E, FastExp.exp(1), 1e-15);
    }
}
