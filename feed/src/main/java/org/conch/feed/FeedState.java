package org.conch.feed;

/**
 * What validation needs to know of a feed to check its next message: the id and sequence of its
 * latest message. A feed with no messages has no state ({@code null}).
 */
public record FeedState(MessageId id, long sequence) {
    public static FeedState of(Message message) {
        return new FeedState(message.key(), message.sequence());
    }
}
