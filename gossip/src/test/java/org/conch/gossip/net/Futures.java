package org.conch.gossip.net;

import io.vertx.core.Future;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What the gossip tests expect of a Vert.x future, awaited from the test thread. */
public final class Futures {
    private Futures() {
    }

    /** The cause {@code future} fails with within {@code deadline}; an assertion error if it succeeds, a timeout if neither. */
    public static Throwable failureOf(Future<?> future, Duration deadline) throws TimeoutException {
        try {
            future.await(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw e;
        } catch (Throwable e) {
            return e;
        }
        throw new AssertionError("expected " + future + " to fail");
    }
}
