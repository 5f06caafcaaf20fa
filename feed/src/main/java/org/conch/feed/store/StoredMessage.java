package org.conch.feed.store;

import org.conch.feed.Message;

/** A message as the store holds it: with its position in the receive log and its local receive time. */
public record StoredMessage(long logSequence, Message message, double receivedAt) {
    /** {@code {"key","value","timestamp"}} as compact JSON, as peers and the CLI exchange it. */
    public String toKvtJson() {
        return message.toKvtJson(receivedAt);
    }
}
