package io.explainstream.explain;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class LabelsTest {
    @Test
    void shouldThresholdAtTheMeanPositiveAndMeanNegativeWeight() {
        Label[] l = Labels.of(new double[]{3, 1, 0, -0.5, -2.5, 2});
        assertArrayEquals(new Label[]{Label.HIGH_POSITIVE, Label.LOW_POSITIVE, Label.NEUTRAL, Label.LOW_NEGATIVE,
                Label.HIGH_NEGATIVE, Label.HIGH_POSITIVE}, l);
    }

    @Test
    void shouldMirrorLabelsToTheOppositeSign() {
        Label[] l = Labels.of(new double[]{3, 1, 0, -0.5, -2.5, 2});
        Label[] m = Labels.of(new double[]{-3, -1, 0, 0.5, 2.5, -2});
        for (int i = 0; i < l.length; i++) {
            assertArrayEquals(new Label[]{m[i]}, new Label[]{Labels.mirror(l[i])});
        }
    }
}
