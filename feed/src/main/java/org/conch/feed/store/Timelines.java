package org.conch.feed.store;

import org.conch.feed.FeedId;
import org.conch.feed.MessageId;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The read side the web client needs: timelines newest first, threads, and what feeds say about
 * themselves. Pages are cut at log positions: a page's {@link Page#next()} is passed back as
 * {@code before} (timelines) or {@code after} (threads) to get the following page.
 */
public interface Timelines {
    int DEFAULT_LIMIT = 50;
    int MAX_LIMIT = 200;
    /** {@code before} for the first page of a timeline. */
    long NEWEST = Long.MAX_VALUE;

    /** Which messages a timeline holds. */
    enum Kind {
        /** Only {@code post} messages: what a person reads. */
        POSTS,
        /** Every message, whatever its type (and private ones). */
        ALL
    }

    /**
     * Messages and where the next page starts ({@code 0} when this page is the last).
     */
    record Page(List<StoredMessage> messages, long next) {
        public Page {
            messages = List.copyOf(messages);
        }

        public boolean hasMore() {
            return next > 0;
        }
    }

    /**
     * What is known of a feed: the name, description and image (a blob id) it last gave itself; a
     * name that others gave it when it gave itself none.
     */
    record About(FeedId feed, String name, String description, String image) {
        public static About unknown(FeedId feed) {
            return new About(feed, null, null, null);
        }
    }

    /** Everything stored, newest received first, before log position {@code before}. */
    Page publicTimeline(Kind kind, long before, int limit);

    /**
     * The messages of {@code feeds} (the local identity and those it follows: the caller decides),
     * newest received first, before log position {@code before}.
     */
    Page homeTimeline(Set<FeedId> feeds, Kind kind, long before, int limit);

    /** One feed's messages, newest first. */
    Page profile(FeedId feed, Kind kind, long before, int limit);

    /** The messages whose content names {@code root}, oldest first, after log position {@code after} (0: from the start). */
    Page replies(MessageId root, long after, int limit);

    About about(FeedId feed);

    /** {@link #about} of each feed, in one call (for the authors of a page). */
    Map<FeedId, About> abouts(Collection<FeedId> feeds);

    Optional<StoredMessage> get(MessageId key);

    /** {@code limit} clamped to 1..{@link #MAX_LIMIT}, {@link #DEFAULT_LIMIT} when not positive. */
    static int clampLimit(int limit) {
        return limit <= 0 ? DEFAULT_LIMIT : Math.min(limit, MAX_LIMIT);
    }
}
