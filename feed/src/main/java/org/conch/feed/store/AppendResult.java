package org.conch.feed.store;

import org.conch.feed.Message;

import java.util.List;

/** What an append did with each message of a batch, in batch order. */
public record AppendResult(List<Outcome> outcomes) {
    public enum Status {
        /** Appended to the log. */
        STORED,
        /** Already in the store; nothing written. */
        DUPLICATE,
        /** Conflicts with the stored chain; recorded as a fork, not in the feed. */
        FORK,
        /** Does not follow its feed (a gap or a bad first message); not stored. */
        REFUSED
    }

    public record Outcome(Message message, Status status, String reason) {
    }

    public long count(Status status) {
        return outcomes.stream().filter(o -> o.status() == status).count();
    }
}
