package org.conch.feed.store;

import org.conch.feed.FeedId;
import org.conch.feed.store.Timelines.About;
import org.conch.feed.store.Timelines.Kind;
import org.conch.feed.store.Timelines.Page;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The timelines of {@link H2FeedStore}: pages cut from the in-memory {@link TimelineIndex}, which is built
 * from the indexes (and the entries not yet in them) on the first timeline query and then kept up to date
 * by the writer.
 */
final class TimelineReads {
    private final H2FeedStore store;
    /** Built on the first timeline query, then kept up to date by the writer. */
    private volatile TimelineIndex timelineIndex;
    /** While the timeline index is being built: what the writer appended since the build's snapshot. Lock holder only. */
    private List<StoredMessage> appendedDuringBuild;
    /** One build of the timeline index at a time; other readers wait for it. */
    private final Object build = new Object();

    TimelineReads(H2FeedStore store) {
        this.store = store;
    }

    /** The writer's messages just made durable, in log order. Lock holder only. */
    void appended(List<StoredMessage> messages) {
        TimelineIndex index = timelineIndex;
        if (index != null) {
            for (StoredMessage stored : messages) index.add(stored.logSequence(), stored.message());
        } else if (appendedDuringBuild != null) {
            appendedDuringBuild.addAll(messages);
        }
    }

    Page publicTimeline(Kind kind, long before, int limit) {
        int pageSize = Timelines.clampLimit(limit);
        long[] positions;
        if (kind == Kind.POSTS) {
            positions = timelineIndex().newestPosts(before, pageSize);
        } else {
            // The log has no holes: the newest messages below `before` are the positions just below it.
            long top = Math.min(before, store.nextLogSequence()) - 1;
            int count = (int) Math.max(0, Math.min(pageSize + 1L, top));
            positions = new long[count];
            for (int i = 0; i < count; i++) positions[i] = top - i;
        }
        return page(positions, pageSize);
    }

    Page homeTimeline(Set<FeedId> feeds, Kind kind, long before, int limit) {
        int pageSize = Timelines.clampLimit(limit);
        return page(timelineIndex().newest(feeds, kind, before, pageSize), pageSize);
    }

    About about(FeedId feed) {
        return timelineIndex().about(feed);
    }

    Map<FeedId, About> abouts(Collection<FeedId> feeds) {
        TimelineIndex index = timelineIndex();
        Map<FeedId, About> result = new HashMap<>();
        for (FeedId feed : feeds) result.put(feed, index.about(feed));
        return result;
    }

    /** The messages at {@code positions} (newest first, one more than a page when there is a next page), as a page. */
    private Page page(long[] positions, int pageSize) {
        int count = Math.min(positions.length, pageSize);
        if (count == 0) return new Page(List.of(), 0);
        return new Page(store.atPositions(positions, count), positions.length > pageSize ? positions[pageSize - 1] : 0);
    }

    /**
     * The in-memory timeline index, built on first use (seconds at a million messages). Appends go on
     * meanwhile: the build reads up to a snapshot position, and what is appended after it is replayed into
     * the index before the index is published.
     */
    private TimelineIndex timelineIndex() {
        TimelineIndex index = timelineIndex;
        if (index != null) return index;
        synchronized (build) {
            if (timelineIndex != null) return timelineIndex;
            long snapshot;
            Map<Integer, FeedId> feedsById;
            List<StoredMessage> appendedMeanwhile = new ArrayList<>();
            IndexWriter.View view;
            store.writeLock().lock();
            try {
                store.checkOpen();
                long last = store.nextLogSequence() - 1;
                snapshot = last;
                feedsById = store.feedsById();
                view = store.indexes().view(entry -> entry.logSequence() <= last);
                appendedDuringBuild = appendedMeanwhile;
            } finally {
                store.writeLock().unlock();
            }
            TimelineIndex built = null;
            try {
                built = buildIndex(snapshot, view, feedsById);
            } finally {
                store.writeLock().lock();
                try {
                    if (built != null) {
                        for (StoredMessage stored : appendedMeanwhile) built.add(stored.logSequence(), stored.message());
                        timelineIndex = built;
                    }
                    appendedDuringBuild = null;
                } finally {
                    store.writeLock().unlock();
                }
            }
            return built;
        }
    }

    /** The timeline index of the log up to position {@code snapshot}: H2 up to the view's watermark, the view past it. */
    private TimelineIndex buildIndex(long snapshot, IndexWriter.View view, Map<Integer, FeedId> feedsById) {
        TimelineIndex index = new TimelineIndex();
        long indexed = Math.min(snapshot, view.indexedThrough());
        List<IndexWriter.Entry> pending = view.pending();
        List<Long> aboutOffsets = new ArrayList<>();
        try (Connection connection = store.readers().getConnection()) {
            // Both walks read indexes: (msg_type, log_seq), and (author_id, seq), whose entries hold the row key log_seq.
            BitSet posts = new BitSet();
            try (PreparedStatement query = connection.prepareStatement("SELECT log_seq FROM message WHERE msg_type = 'post' AND log_seq <= ?")) {
                query.setLong(1, indexed);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) posts.set(Math.toIntExact(rows.getLong(1)));
                }
            }
            for (IndexWriter.Entry entry : pending) {
                if ("post".equals(entry.type())) posts.set(Math.toIntExact(entry.logSequence()));
            }
            for (int position = posts.nextSetBit(0); position >= 0; position = posts.nextSetBit(position + 1)) {
                index.addPublicPost(position);
            }
            try (PreparedStatement query = connection.prepareStatement("SELECT author_id, log_seq FROM message ORDER BY author_id, seq")) {
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        long position = rows.getLong(2);
                        if (position > indexed) continue; // the view has it, or it came after the snapshot
                        index.addFeedPosition(feedsById.get(rows.getInt(1)), position, posts.get(Math.toIntExact(position)));
                    }
                }
            }
            for (IndexWriter.Entry entry : pending) {
                index.addFeedPosition(entry.author(), entry.logSequence(), posts.get(Math.toIntExact(entry.logSequence())));
            }
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT log_offset FROM message WHERE msg_type = 'about' AND log_seq <= ? ORDER BY log_seq")) {
                query.setLong(1, indexed);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) aboutOffsets.add(rows.getLong(1));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot build the timeline index: " + e.getMessage(), e);
        }
        for (IndexWriter.Entry entry : pending) {
            if ("about".equals(entry.type())) aboutOffsets.add(entry.offset());
        }
        for (long offset : aboutOffsets) index.applyAbout(store.read(offset).message());
        return index;
    }
}
