package org.conch.server.api;

import org.conch.feed.BlobId;
import org.conch.feed.FeedId;
import org.conch.feed.blob.BlobRefs;
import org.conch.feed.blob.BlobStore;
import org.conch.feed.store.FeedStore;

import java.util.HashSet;
import java.util.Set;

/**
 * {@code conch blobs gc}: removes every stored blob that no stored message of a replicated feed refers to
 * ({@link BlobRefs}). Feeds outside the replication set, blocked ones included, keep nothing alive, so
 * blobs only they refer to are purged. Blocking (reads the whole store): run it on a worker.
 */
public final class BlobCollector {
    private BlobCollector() {
    }

    /** What a collection did. */
    public record Result(int removed, long freedBytes, int kept) {
    }

    public static Result collect(FeedStore store, Set<FeedId> replicated, BlobStore blobs) {
        Set<BlobId> stored = blobs.ids(); // taken first: a blob added meanwhile is never removed
        Set<BlobId> referenced = new HashSet<>();
        for (FeedStore.FeedSummary feed : store.feeds()) {
            if (!replicated.contains(feed.feed())) continue;
            store.forEachInFeed(feed.feed(), 1, 0, message -> referenced.addAll(BlobRefs.of(message.message().content())));
        }
        int removed = 0;
        long freed = 0;
        for (BlobId id : stored) {
            if (referenced.contains(id)) continue;
            long size = blobs.size(id).orElse(0);
            if (blobs.delete(id)) {
                removed++;
                freed += size;
            }
        }
        return new Result(removed, freed, blobs.count());
    }
}
