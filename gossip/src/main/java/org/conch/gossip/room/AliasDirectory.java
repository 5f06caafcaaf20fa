package org.conch.gossip.room;

import org.conch.feed.FeedId;

import java.util.concurrent.CompletionStage;

/** Where a room keeps its aliases (the server's database); the calls may do blocking work off the caller's thread. */
public interface AliasDirectory {
    /**
     * Records {@code alias} for {@code member} (already checked) and completes with its web address; fails with a
     * {@link RoomService.RoomException} when the alias is taken.
     */
    CompletionStage<String> register(FeedId member, String alias, String signature);

    /** Removes {@code member}'s {@code alias}; fails with a {@link RoomService.RoomException} when it is not theirs. */
    CompletionStage<Boolean> revoke(FeedId member, String alias);
}
