package org.conch.testing;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * The one way tests wait for something another thread or process does: check a condition until it holds,
 * and fail at a deadline with a message naming what was awaited (and the last value seen). The deadline is
 * generous on purpose: it only bounds a hung test, it never measures speed.
 */
public final class Await {
    /** Long enough for a loaded 2-core build machine; a test that needs longer says so. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Short, since conditions are cheap reads; long enough not to steal a core from what is awaited. */
    private static final long CHECK_INTERVAL_MILLIS = 10;

    private Await() {
    }

    /** A check that may throw: an exception ends the wait and fails the test with it (a checked one wrapped). */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /** Reads a value to test; an exception ends the wait and fails the test with it (a checked one wrapped). */
    @FunctionalInterface
    public interface Probe<T> {
        T read() throws Exception;
    }

    /** Waits up to {@link #DEFAULT_TIMEOUT} until {@code condition} holds; {@code what} names it in the failure. */
    public static void until(String what, Condition condition) {
        until(what, DEFAULT_TIMEOUT, condition);
    }

    /** Waits up to {@code timeout} until {@code condition} holds; {@code what} names it in the failure. */
    public static void until(String what, Duration timeout, Condition condition) {
        until(what, timeout, condition::holds, Boolean::booleanValue);
    }

    /**
     * Reads {@code probe} until {@code done} accepts the value, up to {@code timeout}; returns that value. The
     * failure names {@code what} and the last value read.
     */
    public static <T> T until(String what, Duration timeout, Probe<T> probe, Predicate<? super T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value = read(what, probe);
            if (done.test(value)) return value;
            if (System.nanoTime() - deadline > 0) {
                String lastSeen = value instanceof Boolean ? "" : " (last seen: " + value + ")";
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting until " + what + lastSeen);
            }
            try {
                Thread.sleep(CHECK_INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting until " + what, e);
            }
        }
    }

    /** Unchecked exceptions and errors (a failed assertion inside the probe) pass as they are. */
    private static <T> T read(String what, Probe<T> probe) {
        try {
            return probe.read();
        } catch (RuntimeException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting until " + what, e);
        } catch (Exception e) {
            throw new AssertionError("failed while waiting until " + what + ": " + e, e);
        }
    }
}
