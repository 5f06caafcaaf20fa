package org.conch.feed.store;

import org.conch.feed.FeedId;
import org.conch.feed.FeedState;
import org.conch.feed.InvalidMessageException;
import org.conch.feed.Message;
import org.conch.feed.MessageValidator;
import org.conch.feed.SignCap;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * Checks a store the way a peer would, from the data only: every feed re-validates from sequence 1 with
 * no gap (each signature, each link to the previous message), the store's idea of each feed's latest
 * message agrees with the feed, every message is found by its id, and the log holds exactly the feeds'
 * messages. Of an {@link H2FeedStore} also every log record's CRC, and that its indexes agree with its log.
 * Reads only; works on a store in use.
 */
public final class StoreCheck {
    /** At most this many problems are listed; the rest are counted. */
    public static final int MAX_LISTED_PROBLEMS = 1_000;

    /** Something wrong at {@code feed}:{@code sequence} (0 when it concerns the whole feed or the store). */
    public record Problem(String feed, long sequence, String what) {
        @Override
        public String toString() {
            return (feed == null ? "store" : feed + (sequence > 0 ? ":" + sequence : "")) + ": " + what;
        }
    }

    public record Report(long feeds, long messages, long forks, long problemCount, List<Problem> problems) {
        public boolean healthy() {
            return problemCount == 0;
        }
    }

    private final FeedStore store;
    private final SignCap cap;
    private final List<Problem> problems = new ArrayList<>();
    private long problemCount;

    private StoreCheck(FeedStore store, SignCap cap) {
        this.store = store;
        this.cap = cap;
    }

    /** Checks every feed of {@code store}; {@code progress} hears the running message count now and then. */
    public static Report run(FeedStore store, SignCap cap, LongConsumer progress) {
        return new StoreCheck(store, cap).check(progress);
    }

    private Report check(LongConsumer progress) {
        long messages = 0;
        long forks = 0;
        List<FeedStore.FeedSummary> feeds = store.feeds();
        for (FeedStore.FeedSummary summary : feeds) {
            long before = messages;
            messages += checkFeed(summary, messages, progress);
            if (messages == before && summary.latestSequence() > 0) {
                problem(summary.feed(), 1, "missing: the store records the feed up to " + summary.latestSequence() + " but holds none of it");
            }
            forks += store.forks(summary.feed()).size();
        }
        if (store instanceof H2FeedStore logged) LogIndexCheck.run(logged, this::problem);
        long counted = store.messageCount();
        if (counted != messages) {
            problem(null, 0, "the log counts " + counted + " messages but the feeds hold " + messages);
        }
        progress.accept(messages);
        return new Report(feeds.size(), messages, forks, problemCount, List.copyOf(problems));
    }

    /** Returns the number of messages the feed holds. */
    private long checkFeed(FeedStore.FeedSummary summary, long countedBefore, LongConsumer progress) {
        FeedId feed = summary.feed();
        FeedWalk walk = new FeedWalk();
        try {
            walkFeed(feed, walk, countedBefore, progress);
        } catch (StoreException e) {
            // A message that cannot be read ends the walk; what follows it cannot be verified anyway.
            problem(feed, walk.state == null ? 1 : walk.state.sequence() + 1, "cannot be read: " + e.getMessage());
            walk.broken = true;
        }
        if (walk.state != null && !walk.broken
                && (summary.latestSequence() != walk.state.sequence() || !walk.state.id().equals(summary.latest()))) {
            problem(feed, 0, "the store records the latest message as " + summary.latestSequence() + " " + summary.latest()
                    + " but the feed ends at " + walk.state.sequence() + " " + walk.state.id());
        }
        return walk.count;
    }

    private void walkFeed(FeedId feed, FeedWalk walk, long countedBefore, LongConsumer progress) {
        store.forEachInFeed(feed, 1, 0, stored -> {
            Message message = stored.message();
            walk.count++;
            if ((countedBefore + walk.count) % 10_000 == 0) progress.accept(countedBefore + walk.count);
            if (walk.broken) return; // one broken link makes every later message unverifiable: reported once
            long expected = walk.state == null ? 1 : walk.state.sequence() + 1;
            if (message.sequence() != expected) {
                problem(feed, expected, "missing: the next stored message is " + message.sequence());
                walk.broken = true;
                return;
            }
            try {
                Message valid = MessageValidator.validate(walk.state, message.value(), cap);
                if (!valid.key().equals(message.key())) {
                    problem(feed, message.sequence(), "stored under id " + message.key() + " but its content hashes to " + valid.key());
                }
                walk.state = FeedState.of(valid);
            } catch (InvalidMessageException e) {
                problem(feed, message.sequence(), "does not validate: " + e.getMessage());
                walk.broken = true;
                return;
            }
            Optional<StoredMessage> byId = store.get(message.key());
            if (byId.isEmpty() || byId.get().logSequence() != stored.logSequence()) {
                problem(feed, message.sequence(), "not found by its id " + message.key());
            }
        });
    }

    private static final class FeedWalk {
        FeedState state;
        long count;
        boolean broken;
    }

    private void problem(FeedId feed, long sequence, String what) {
        problemCount++;
        if (problems.size() < MAX_LISTED_PROBLEMS) problems.add(new Problem(feed == null ? null : feed.toString(), sequence, what));
    }
}
