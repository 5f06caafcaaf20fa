package org.conch.feed.store;

import org.h2.jdbcx.JdbcConnectionPool;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.LongConsumer;

/**
 * Rebuilds the H2 indexes from the message log: the rows of message (positions, offsets, ids, types), the
 * thread index (reply) and the id index (its run files) are emptied, their watermarks set back to the start,
 * and opening the store then indexes the whole log again. The log, the authors and the recorded forks are
 * the data and are left as they are. Needs the store closed.
 */
public final class StoreRepair {
    private StoreRepair() {
    }

    /** What was rebuilt. */
    public record Result(long messagesRead, long repliesIndexed) {
    }

    public static Result rebuildIndexes(Path storeDirectory, LongConsumer progress) {
        // Migrations first, so the schema is current; the indexes may disagree with the log, so no store yet.
        StoreOpening.Opened opened = StoreOpening.open(StoreOptions.at(storeDirectory));
        JdbcConnectionPool pool = opened.pool();
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("TRUNCATE TABLE reply");
            statement.execute("TRUNCATE TABLE message");
            statement.execute("UPDATE store_state SET num = 0 WHERE name IN ('indexed_through', 'indexed_log_end')");
            statement.execute("CHECKPOINT SYNC");
            IdIndex.open(opened.idDirectory()).deleteAll();
        } catch (SQLException e) {
            throw new StoreException("emptying the indexes of " + storeDirectory + " failed: " + e.getMessage(), e);
        } finally {
            pool.dispose();
            opened.log().close();
        }
        try (H2FeedStore store = H2FeedStore.open(StoreOptions.at(storeDirectory).withProgress(progress));
             Connection connection = store.readers().getConnection();
             Statement statement = connection.createStatement();
             ResultSet replies = statement.executeQuery("SELECT COUNT(*) FROM reply")) {
            replies.next();
            return new Result(store.messageCount(), replies.getLong(1));
        } catch (SQLException e) {
            throw new StoreException("counting the rebuilt indexes of " + storeDirectory + " failed: " + e.getMessage(), e);
        }
    }
}
