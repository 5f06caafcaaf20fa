package org.conch.server.http;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A token bucket per client (an IP address): each may make {@code perSecond} requests a second, in bursts of
 * up to one second's worth. Pure apart from the clock it is given (nanoseconds, like {@link System#nanoTime}),
 * and safe from any thread without a lock of its own: buckets are immutable and replaced atomically.
 * <p>
 * The state stays bounded: a bucket left alone long enough to fill up again is the same as none, so such
 * buckets are dropped every {@link #SWEEP_INTERVAL_NANOS}, and at most {@code maxClients} are kept. When that
 * many clients are all busy at once, a new one is refused until a sweep (at most one a second) makes room.
 */
public final class RequestRateLimiter {
    public static final int DEFAULT_MAX_CLIENTS = 10_000;
    static final long SECOND_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final long SWEEP_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final int perSecond;
    private final int maxClients;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep;

    /** What one client has left: {@code tokens} at the time {@code at}. */
    private record Bucket(double tokens, long at) {
    }

    public RequestRateLimiter(int perSecond, int maxClients, LongSupplier clock) {
        if (perSecond < 1) throw new IllegalArgumentException("perSecond must be at least 1, got " + perSecond);
        if (maxClients < 1) throw new IllegalArgumentException("maxClients must be at least 1, got " + maxClients);
        this.perSecond = perSecond;
        this.maxClients = maxClients;
        this.clock = clock;
        this.lastSweep = new AtomicLong(clock.getAsLong());
    }

    public int perSecond() {
        return perSecond;
    }

    /**
     * Takes a token from {@code client}'s bucket if it has one.
     *
     * @return 0 when the request may go ahead, otherwise how many nanoseconds until the client's next token
     */
    public long acquire(String client) {
        long now = clock.getAsLong();
        if (now - lastSweep.get() >= SWEEP_INTERVAL_NANOS) sweep(now);
        if (!buckets.containsKey(client) && buckets.size() >= maxClients) {
            if (now - lastSweep.get() < SECOND_NANOS || sweep(now) == 0) return SECOND_NANOS;
        }
        long[] wait = {0};
        buckets.compute(client, (key, bucket) -> {
            double tokens = bucket == null ? perSecond : tokensAt(bucket, now);
            if (tokens >= 1) return new Bucket(tokens - 1, now);
            wait[0] = Math.max(1, (long) Math.ceil((1 - tokens) * SECOND_NANOS / perSecond));
            return new Bucket(tokens, now);
        });
        return wait[0];
    }

    /** Drops the buckets that have filled up again; returns how many. */
    int sweep(long now) {
        lastSweep.set(now);
        int before = buckets.size();
        // removeIf on a ConcurrentHashMap removes an entry only if it still holds the bucket tested
        buckets.values().removeIf(bucket -> tokensAt(bucket, now) >= perSecond);
        return Math.max(0, before - buckets.size());
    }

    /** Clients with a bucket held. */
    int clients() {
        return buckets.size();
    }

    private double tokensAt(Bucket bucket, long now) {
        double refilled = bucket.tokens() + (double) Math.max(0, now - bucket.at()) * perSecond / SECOND_NANOS;
        return Math.min(perSecond, refilled);
    }
}
