package org.conch.feed.store;

import org.conch.feed.Message;
import org.conch.feed.MessageId;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.LongConsumer;

/**
 * Rebuilds what the store derives from its log: the id index ({@code message_key}, refilled by the store
 * itself when it reopens), the thread index ({@code reply}) and the SQL indexes on the log. The log, the
 * authors and the recorded forks are the data and are left as they are. Needs the store closed.
 */
public final class StoreRepair {
    private StoreRepair() {
    }

    /** What was rebuilt. */
    public record Result(long messagesRead, long repliesIndexed) {
    }

    public static Result rebuildIndexes(Path storeDirectory, LongConsumer progress) {
        // Flyway runs first, so the schema is current before anything is rebuilt.
        H2FeedStore.open(storeDirectory).close();
        String url = H2FeedStore.fileUrl(storeDirectory);
        try (Connection connection = DriverManager.getConnection(url, "conch", "")) {
            connection.setAutoCommit(false);
            long read = 0;
            long replies = 0;
            try (Statement statement = connection.createStatement()) {
                statement.execute("DELETE FROM message_key");
                statement.execute("UPDATE store_state SET num = 0 WHERE name = 'keys_indexed_through'");
                statement.execute("DELETE FROM reply");
                statement.execute("DROP INDEX IF EXISTS message_by_type");
                statement.execute("CREATE INDEX message_by_type ON message (msg_type, log_seq)");
            }
            try (Statement scan = connection.createStatement();
                 PreparedStatement insertReply = connection.prepareStatement("INSERT INTO reply (root, log_seq) VALUES (?, ?)")) {
                scan.setFetchSize(1_000);
                try (ResultSet rows = scan.executeQuery("SELECT log_seq, msg_key, body FROM message ORDER BY log_seq")) {
                    while (rows.next()) {
                        Message message = Message.fromStore(MessageId.of(rows.getBytes(2)),
                                new String(rows.getBytes(3), java.nio.charset.StandardCharsets.UTF_8));
                        MessageId root = H2FeedStore.rootOf(message);
                        if (root != null) {
                            insertReply.setBytes(1, root.bytes());
                            insertReply.setLong(2, rows.getLong(1));
                            insertReply.addBatch();
                            replies++;
                        }
                        if (++read % 10_000 == 0) {
                            insertReply.executeBatch();
                            progress.accept(read);
                        }
                    }
                }
                insertReply.executeBatch();
            }
            connection.commit();
            try (Statement statement = connection.createStatement()) {
                statement.execute("CHECKPOINT SYNC");
            }
            progress.accept(read);
            // Reopening lets the store index every message id again, in its sorted batches.
            H2FeedStore.open(storeDirectory).close();
            return new Result(read, replies);
        } catch (SQLException e) {
            throw new StoreException("rebuilding the indexes of " + storeDirectory + " failed: " + e.getMessage(), e);
        }
    }
}
