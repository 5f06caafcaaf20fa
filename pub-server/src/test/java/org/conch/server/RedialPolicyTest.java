package org.conch.server;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RedialPolicyTest {
    private static final Duration BRIEF = Duration.ofSeconds(2);
    private static final Duration LONG = Duration.ofMinutes(5);

    /** Without jitter (the random draw is 0), so the waits are exact. */
    private final RedialPolicy policy = new RedialPolicy(() -> 0);

    @Test
    void aPeerThatStaysDownIsDialledAfterDoublingWaitsUpToAMinute() {
        assertThat(failures(policy, 9)).containsExactly(seconds(1), seconds(2), seconds(4), seconds(8), seconds(16),
                seconds(32), seconds(60), seconds(60), seconds(60));
    }

    @Test
    void aConnectionThatLastedIsRedialledAfterASecondAndBacksOffAgainFromThere() {
        failures(policy, 8);

        assertThat(policy.afterDisconnect(LONG)).isEqualTo(seconds(1));
        assertThat(failures(policy, 3)).containsExactly(seconds(2), seconds(4), seconds(8));
    }

    @Test
    void tenSecondsIsLongEnoughToCountAsLasting() {
        failures(policy, 4);

        assertThat(policy.afterDisconnect(RedialPolicy.LASTING)).isEqualTo(seconds(1));
    }

    @Test
    void aConnectionDroppedSoonAfterItOpenedCountsAsAFailure() {
        failures(policy, 3);

        assertThat(policy.afterDisconnect(BRIEF)).isEqualTo(seconds(8));
        assertThat(policy.afterDisconnect(BRIEF)).isEqualTo(seconds(16));
    }

    @Test
    void theFirstConnectionDroppingAtOnceWaitsASecond() {
        assertThat(policy.afterDisconnect(Duration.ZERO)).isEqualTo(seconds(1));
        assertThat(policy.afterDisconnect(Duration.ZERO)).isEqualTo(seconds(2));
    }

    @Test
    void jitterTakesOffUpToAQuarterOfEachWaitAndNeverAddsToIt() {
        RedialPolicy mostJitter = new RedialPolicy(() -> Math.nextDown(1.0));
        RedialPolicy halfJitter = new RedialPolicy(() -> 0.5);

        assertThat(failures(mostJitter, 8)).allSatisfy(wait -> assertThat(wait).isGreaterThan(Duration.ZERO))
                .startsWith(Duration.ofMillis(750), Duration.ofMillis(1500), Duration.ofMillis(3000))
                .endsWith(seconds(45), seconds(45));
        assertThat(failures(halfJitter, 8)).startsWith(Duration.ofMillis(875), Duration.ofMillis(1750))
                .endsWith(Duration.ofMillis(52_500));
    }

    private static List<Duration> failures(RedialPolicy policy, int count) {
        List<Duration> waits = new ArrayList<>();
        for (int i = 0; i < count; i++) waits.add(policy.afterFailedDial());
        return waits;
    }

    private static Duration seconds(long seconds) {
        return Duration.ofSeconds(seconds);
    }
}
