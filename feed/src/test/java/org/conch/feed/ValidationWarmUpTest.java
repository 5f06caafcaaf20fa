package org.conch.feed;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The warm-up validates every throwaway message it runs, so it exercises the whole path, not an early error. */
class ValidationWarmUpTest {
    @Test
    void everyWarmUpRoundValidatesAMessage() {
        assertThat(ValidationWarmUp.run(40)).isEqualTo(40);
    }

    @Test
    void noRoundsValidateNothing() {
        assertThat(ValidationWarmUp.run(0)).isZero();
    }
}
