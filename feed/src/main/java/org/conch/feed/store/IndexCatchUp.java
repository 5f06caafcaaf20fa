package org.conch.feed.store;

import org.conch.feed.FeedId;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Brings the H2 indexes up to the end of the log when a store opens: after a crash that came before the
 * index thread wrote a batch, and after {@code fsck --repair} emptied them. Reads the log from the
 * {@code indexed_log_end} watermark on and writes the rows in batches, as the index thread does.
 */
final class IndexCatchUp {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(IndexCatchUp.class);

    private IndexCatchUp() {
    }

    /** Indexes what the log holds past the watermark; returns the log position the indexes now cover. */
    static long run(Connection connection, MessageLog log, StoreOptions options) throws SQLException {
        long indexedThrough = state(connection, "indexed_through");
        long indexedEnd = state(connection, "indexed_log_end");
        if (log.end() < indexedEnd) {
            throw new StoreException("the message log ends at offset " + log.end() + " but its indexes reach offset " + indexedEnd
                    + ": messages the store acknowledged are gone from the log; conch fsck --repair rebuilds the indexes from what is left");
        }
        if (log.end() == indexedEnd) return indexedThrough;
        // Rows past the watermark are not known to be whole, and a kill has left some behind (IdIndexCrashIT: the
        // catch-up's insert of a row H2 already held failed, and the store would not open). The log is the record:
        // they go, and are written again from it with the rest.
        try (PreparedStatement messages = connection.prepareStatement("DELETE FROM message WHERE log_seq > ?");
             PreparedStatement replies = connection.prepareStatement("DELETE FROM reply WHERE log_seq > ?")) {
            messages.setLong(1, indexedThrough);
            replies.setLong(1, indexedThrough);
            int dropped = messages.executeUpdate();
            replies.executeUpdate();
            if (dropped > 0) {
                LOG.atWarn().addKeyValue("rows", dropped)
                        .log("{} index rows past the indexed-through watermark ({}) are written again from the log", dropped, indexedThrough);
            }
        }
        Map<FeedId, Integer> authorIds = new HashMap<>();
        Set<Integer> authorsInIndex = new HashSet<>();
        int[] lastAuthorId = {0};
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT id, feed_key FROM author")) {
            while (rows.next()) {
                authorIds.put(FeedId.of(rows.getBytes(2)), rows.getInt(1));
                authorsInIndex.add(rows.getInt(1));
                lastAuthorId[0] = Math.max(lastAuthorId[0], rows.getInt(1));
            }
        }
        connection.commit();
        List<IndexWriter.Entry> batch = new ArrayList<>(options.indexBatch());
        long[] through = {indexedThrough};
        long[] count = {0};
        log.scan(indexedEnd, (offset, entry) -> {
            if (entry.logSequence() != through[0] + 1) {
                throw new StoreException("the log holds position " + entry.logSequence() + " at offset " + offset
                        + " where position " + (through[0] + 1) + " was due");
            }
            int authorId = authorIds.computeIfAbsent(entry.author(), author -> ++lastAuthorId[0]);
            batch.add(IndexWriter.Entry.of(entry.logSequence(), offset, offset + entry.recordBytes(), authorId, entry.message(), entry.receivedAt()));
            through[0] = entry.logSequence();
            if (batch.size() == options.indexBatch()) {
                IndexWriter.writeRows(connection, batch, authorsInIndex);
                count[0] += batch.size();
                batch.clear();
                options.progress().accept(count[0]);
            }
        });
        if (!batch.isEmpty()) IndexWriter.writeRows(connection, batch, authorsInIndex);
        count[0] += batch.size();
        options.progress().accept(count[0]);
        LOG.atInfo().addKeyValue("messages", count[0])
                .log("indexed {} messages the log held past its indexes", count[0]);
        return through[0];
    }

    private static long state(Connection connection, String name) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT num FROM store_state WHERE name = '" + name + "'")) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
