package org.conch.gossip.lan;

import org.conch.feed.FeedId;

import java.util.HashMap;
import java.util.Map;

/**
 * Which peers were reported lately, so that a peer announcing itself every 2 s (on two ports, maybe
 * from two interfaces) is reported at most once per window. Time is passed in, so it is tested without
 * a clock. Not thread-safe: use it from one event-loop context.
 */
public final class RecentPeers {
    private final long windowMillis;
    private final int capacity;
    private final Map<FeedId, Long> reportedAt = new HashMap<>();

    /**
     * @param windowMillis how long a reported peer stays quiet
     * @param capacity     how many peers are remembered at once; past it new peers wait for old ones to
     *                     expire, so a flood of made-up legacy announcements cannot grow the map
     */
    public RecentPeers(long windowMillis, int capacity) {
        if (windowMillis <= 0 || capacity <= 0) {
            throw new IllegalArgumentException("window and capacity must be positive, got " + windowMillis
                    + " ms and " + capacity);
        }
        this.windowMillis = windowMillis;
        this.capacity = capacity;
    }

    /** True, and remembered as reported now, when {@code peer} was not reported within the window. */
    public boolean report(FeedId peer, long nowMillis) {
        Long last = reportedAt.get(peer);
        if (last != null && nowMillis - last < windowMillis) {
            return false;
        }
        if (last == null && reportedAt.size() >= capacity) {
            expire(nowMillis);
            if (reportedAt.size() >= capacity) {
                return false;
            }
        }
        reportedAt.put(peer, nowMillis);
        return true;
    }

    /** Forgets the peers whose window has passed. */
    public void expire(long nowMillis) {
        reportedAt.values().removeIf(at -> nowMillis - at >= windowMillis);
    }

    /** How many peers are remembered. */
    public int size() {
        return reportedAt.size();
    }
}
