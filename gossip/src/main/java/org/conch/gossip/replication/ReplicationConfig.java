package org.conch.gossip.replication;

import org.conch.feed.FeedId;
import org.conch.feed.SignCap;

import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * What replication needs from the server that runs it.
 *
 * @param self               the local identity's feed: the root of the follow graph, the answer to whoami
 * @param cap                the network's sign cap (HMAC key), {@link SignCap#NONE} on the main network
 * @param hops               how far to follow follows (1 = only the feeds self follows), at least 0
 * @param storeExecutor      where store calls run (they block on JDBC): a worker pool, never an event loop
 * @param validationExecutor where signatures are checked (CPU bound, thread-safe): a worker pool sized to
 *                           the cores; may be the same as {@code storeExecutor}
 * @param clock              milliseconds since the epoch, for progress times and ping answers
 */
public record ReplicationConfig(FeedId self, SignCap cap, int hops, Executor storeExecutor,
                                Executor validationExecutor, LongSupplier clock) {
    /** Messages read from the store per page when sending history. */
    public static final int SEND_PAGE_SIZE = 256;
    /** Validated messages appended per store transaction at most. */
    public static final int APPEND_BATCH_SIZE = 500;
    /** Messages waiting for validation or storage per connection before reading from the peer pauses. */
    public static final int INGEST_HIGH_WATER = 4096;
    /** The backlog below which reading resumes. */
    public static final int INGEST_LOW_WATER = 1024;

    public ReplicationConfig {
        if (self == null || cap == null || storeExecutor == null || validationExecutor == null || clock == null) {
            throw new IllegalArgumentException("replication needs self, a sign cap, two executors and a clock");
        }
        if (hops < 0 || hops > 10) {
            throw new IllegalArgumentException("hops must be between 0 and 10, got " + hops);
        }
    }

    /** Defaults: {@link FollowGraph#DEFAULT_HOPS}, the system clock, one pool for store and validation. */
    public static ReplicationConfig of(FeedId self, SignCap cap, Executor workers) {
        return new ReplicationConfig(self, cap, FollowGraph.DEFAULT_HOPS, workers, workers, System::currentTimeMillis);
    }

    public ReplicationConfig withHops(int value) {
        return new ReplicationConfig(self, cap, value, storeExecutor, validationExecutor, clock);
    }

    public ReplicationConfig withValidationExecutor(Executor value) {
        return new ReplicationConfig(self, cap, hops, storeExecutor, value, clock);
    }

    public ReplicationConfig withClock(LongSupplier value) {
        return new ReplicationConfig(self, cap, hops, storeExecutor, validationExecutor, value);
    }
}
