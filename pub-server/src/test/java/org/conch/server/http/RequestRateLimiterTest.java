package org.conch.server.http;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestRateLimiterTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private long now = 1_000 * SECOND;
    private final RequestRateLimiter limiter = new RequestRateLimiter(10, 3, () -> now);

    @Test
    void aClientMayBurstOneSecondsWorthThenWaitsForTheNextToken() {
        for (int i = 0; i < 10; i++) assertThat(limiter.acquire("a")).as("request %d", i).isZero();
        assertThat(limiter.acquire("a")).isEqualTo(SECOND / 10);
        now += SECOND / 20;
        assertThat(limiter.acquire("a")).as("half a token back").isEqualTo(SECOND / 20);
        now += SECOND / 20;
        assertThat(limiter.acquire("a")).isZero();
        assertThat(limiter.acquire("a")).isEqualTo(SECOND / 10);
    }

    @Test
    void refusedRequestsCostNothingAndTheBucketNeverHoldsMoreThanASecondsWorth() {
        for (int i = 0; i < 10; i++) limiter.acquire("a");
        for (int i = 0; i < 100; i++) assertThat(limiter.acquire("a")).isPositive();
        now += SECOND;
        for (int i = 0; i < 10; i++) assertThat(limiter.acquire("a")).as("refilled in a second").isZero();
        now += 60 * SECOND;
        for (int i = 0; i < 10; i++) assertThat(limiter.acquire("a")).isZero();
        assertThat(limiter.acquire("a")).as("a minute's rest buys no more than the burst").isPositive();
    }

    @Test
    void eachClientHasItsOwnBucket() {
        for (int i = 0; i < 10; i++) limiter.acquire("a");
        assertThat(limiter.acquire("a")).isPositive();
        assertThat(limiter.acquire("b")).isZero();
    }

    @Test
    void idleClientsAreDroppedAndBusyOnesBoundTheState() {
        assertThat(limiter.acquire("a")).isZero();
        assertThat(limiter.acquire("b")).isZero();
        assertThat(limiter.acquire("c")).isZero();
        assertThat(limiter.clients()).isEqualTo(3);
        assertThat(limiter.acquire("d")).as("three busy clients fill it").isEqualTo(SECOND);
        assertThat(limiter.clients()).isEqualTo(3);

        now += SECOND / 10 + 1; // the buckets have filled up again, but sweeps run at most once a second
        assertThat(limiter.acquire("d")).isEqualTo(SECOND);
        now += SECOND;
        assertThat(limiter.acquire("d")).isZero();
        assertThat(limiter.clients()).isEqualTo(1);
    }

    @Test
    void aSweepRunsEveryMinuteEvenWhenThereIsRoom() {
        limiter.acquire("a");
        now += RequestRateLimiter.SWEEP_INTERVAL_NANOS;
        limiter.acquire("b");
        assertThat(limiter.clients()).as("a's full bucket went").isEqualTo(1);
    }

    @Test
    void aSweepKeepsTheBucketsThatAreNotFull() {
        limiter.acquire("a");
        now += SECOND / 20; // half of a's token is back, not all of it
        assertThat(limiter.sweep(now)).isZero();
        now += SECOND / 20;
        assertThat(limiter.sweep(now)).isEqualTo(1);
    }

    @Test
    void theRateMustBePositive() {
        assertThatThrownBy(() -> new RequestRateLimiter(0, 1, () -> now)).hasMessageContaining("perSecond");
    }
}
