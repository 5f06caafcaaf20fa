package org.conch.feed.store;

import org.conch.feed.FeedId;
import org.conch.feed.FeedState;
import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.feed.MessageId;
import org.conch.feed.SignCap;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The feed store: one append-only log of validated messages in receive order, indexed by author
 * and sequence, by id, by thread root and by type. Appends are atomic and durable on return; reads
 * never block them.
 */
public interface FeedStore extends AutoCloseable {

    /**
     * Appends messages that passed {@link org.conch.feed.MessageValidator#validateDetached}, checking
     * each against its feed's chain in list order, in one transaction that is durable when this
     * returns. Messages already stored are skipped, a different message at a stored author:sequence
     * (or one whose previous is not the stored latest) is recorded as a fork, and one that does not
     * follow its feed (a gap) is refused; none of these stops the rest of the batch.
     */
    AppendResult append(List<Message> messages);

    /** Signs the next message of the identity's feed with this content and appends it, durably. */
    Message publish(Identity identity, Object content, SignCap cap);

    /** The latest message's id and sequence of a feed, empty when the store holds none of it. */
    Optional<FeedState> state(FeedId feed);

    Optional<StoredMessage> get(MessageId key);

    /**
     * Calls {@code action} for the feed's messages with sequence ≥ {@code fromSequence}, in sequence
     * order, at most {@code limit} of them (≤ 0: no limit). Pages from the database; never loads a
     * whole feed into memory.
     */
    void forEachInFeed(FeedId feed, long fromSequence, long limit, Consumer<StoredMessage> action);

    /** Calls {@code action} for every stored message in receive order from log position {@code fromLogSequence}. */
    void forEachInLog(long fromLogSequence, Consumer<StoredMessage> action);

    /** The feeds the store holds messages of, with their latest state. */
    List<FeedSummary> feeds();

    /** Recorded forks: messages that conflict with the stored chain of their feed. */
    List<Fork> forks(FeedId feed);

    /** Messages whose content names this root (replies in a thread), in receive order. */
    List<StoredMessage> thread(MessageId root, int limit);

    /** The latest messages of a content type, newest first. */
    List<StoredMessage> byType(String type, int limit);

    long messageCount();

    /**
     * Calls {@code listener} with every message appended from now on (STORED, not duplicates or
     * forks), in log order, once it is durable. It runs on the appending thread and must not block:
     * hand the message to your own thread. Closing the returned handle stops the calls.
     */
    AutoCloseable subscribe(Consumer<StoredMessage> listener);

    @Override
    void close();

    record FeedSummary(FeedId feed, long latestSequence, MessageId latest) {
    }

    /** A message of a feed that conflicts with the stored one at the same sequence (or its predecessor). */
    record Fork(FeedId author, long sequence, MessageId key, String reason, double receivedAt, Message message) {
    }
}
