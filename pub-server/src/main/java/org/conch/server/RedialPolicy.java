package org.conch.server;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * How long to wait before dialling a kept peer again. Each failed dial doubles the wait, from a second up to a
 * minute, so a peer that stays down costs one attempt a minute. A connection that lasted starts again from a
 * second, so a peer that restarts is back soon; one dropped soon after it opened counts as a failure, so a peer
 * that accepts and then cuts us (it blocks us, it is full) is not dialled every second. Each wait is shortened at
 * random by up to a quarter: the members of a pub that restarts do not all dial it in the same instant.
 *
 * <p>Pure: the caller measures how long a connection lasted and supplies the randomness. One per kept peer; its
 * calls come one after another (each from the timer or close the previous one set up).
 */
final class RedialPolicy {
    static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    static final Duration MAX_DELAY = Duration.ofMinutes(1);
    /** A connection open at least this long was a working one, whatever ended it. */
    static final Duration LASTING = Duration.ofSeconds(10);
    /** The largest share of a wait that jitter takes off. */
    static final double JITTER = 0.25;

    /** Uniform in [0, 1). */
    private final DoubleSupplier random;
    /** The next wait before jitter. */
    private Duration next = FIRST_DELAY;

    /** @param random uniform in [0, 1), e.g. {@code () -> ThreadLocalRandom.current().nextDouble()} */
    RedialPolicy(DoubleSupplier random) {
        this.random = random;
    }

    /** A dial failed: the wait before the next one. */
    Duration afterFailedDial() {
        return take();
    }

    /** A connection closed after being open {@code lasted}: the wait before dialling again. */
    Duration afterDisconnect(Duration lasted) {
        if (lasted.compareTo(LASTING) >= 0) next = FIRST_DELAY;
        return take();
    }

    private Duration take() {
        Duration wait = next;
        next = wait.multipliedBy(2).compareTo(MAX_DELAY) > 0 ? MAX_DELAY : wait.multipliedBy(2);
        return Duration.ofNanos(Math.round(wait.toNanos() * (1 - JITTER * random.getAsDouble())));
    }
}
