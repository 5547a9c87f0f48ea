package io.explainstream.explain;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class LabelDecoderTest {
    private static Label[] decode(float[][] logits) {
        Label[] out = new Label[logits.length];
        LabelDecoder.decode((f, k) -> logits[f][k], logits.length, out);
        return out;
    }

    @Test
    void shouldTakeTheArgmaxWhenTheRowAlreadyHasItsHighLabels() {
        float[][] l = {{0, 0, 0, 0, 5}, {0, 0, 0, 4, 3}, {0, 0, 5, 0, 0}, {5, 1, 0, 0, 0}, {1, 4, 0, 0, 0}};
        assertArrayEquals(new Label[]{Label.HIGH_POSITIVE, Label.LOW_POSITIVE, Label.NEUTRAL, Label.HIGH_NEGATIVE,
                Label.LOW_NEGATIVE}, decode(l));
    }

    @Test
    void shouldPromoteTheLowLabelClosestToHighWhenARowHasNoHighLabelOfThatSign() {
        float[][] l = {{0, 0, 0, 4, 1}, {0, 0, 0, 4, 3.5f}, {0, 0, 5, 0, 0}, {2, 3, 0, 0, 0}, {0.5f, 3, 0, 0, 0}};
        assertArrayEquals(new Label[]{Label.LOW_POSITIVE, Label.HIGH_POSITIVE, Label.NEUTRAL, Label.HIGH_NEGATIVE,
                Label.LOW_NEGATIVE}, decode(l));
    }

    @Test
    void shouldLeaveARowWithoutPositiveOrNegativeLabelsAlone() {
        float[][] l = {{0, 0, 5, 1, 1}, {0, 0, 5, 0, 0}};
        assertArrayEquals(new Label[]{Label.NEUTRAL, Label.NEUTRAL}, decode(l));
    }
}
