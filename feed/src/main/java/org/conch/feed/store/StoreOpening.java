package org.conch.feed.store;

import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcConnectionPool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Opening a store: the database (migrated by Flyway), the message log beside it, and the one-time move
 * of message bodies out of a store written before the log existed.
 */
final class StoreOpening {
    private static final String DATABASE_NAME = "conch";
    /** The id index's runs, beside the database and the log. */
    static final String ID_DIRECTORY = "ids";
    /** Bodies moved per log write and per H2 transaction when an old store is moved. */
    private static final int MOVE_BATCH = 10_000;
    /** A line on stderr every this many bodies moved. */
    private static final int MOVE_PROGRESS_EVERY = 100_000;
    /** The last migration before the bodies leave H2: the move runs between it and the next. */
    private static final String BEFORE_BODIES_MOVE = "2";

    private StoreOpening() {
    }

    /**
     * An open database and log, and where the id index's runs are. {@code temporary} is the log's directory to
     * delete on close (in memory; the runs are inside it), or null.
     */
    record Opened(JdbcConnectionPool pool, MessageLog log, Path temporary, Path idDirectory) {
    }

    static Opened open(StoreOptions options) {
        Path directory = options.directory();
        String url;
        Path logDirectory;
        Path idDirectory;
        Path temporary = null;
        try {
            if (options.inMemory()) {
                url = "jdbc:h2:mem:conch-" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
                temporary = Files.createTempDirectory("conch-log");
                logDirectory = temporary;
                idDirectory = temporary.resolve(ID_DIRECTORY);
            } else {
                Files.createDirectories(directory);
                url = fileUrl(directory);
                logDirectory = logDirectory(directory);
                idDirectory = directory.resolve(ID_DIRECTORY);
            }
        } catch (IOException e) {
            throw new StoreException("cannot create the store directory " + directory + ": " + e.getMessage(), e);
        }
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, "conch", "");
        pool.setMaxConnections(16);
        MessageLog log = null;
        try {
            int migrations = migrate(url, BEFORE_BODIES_MOVE);
            log = MessageLog.open(logDirectory, options.segmentBytes());
            try (Connection connection = pool.getConnection()) {
                moveBodiesIntoLog(connection, log);
                migrations += migrate(url, null);
                // H2 writes its changes to disk a second later: a kill in that second would leave the schema
                // of before while the log already holds records written for the new one, which the move
                // (run again at the next open) would then take for its own.
                if (migrations > 0) {
                    try (Statement statement = connection.createStatement()) {
                        statement.execute("CHECKPOINT SYNC");
                    }
                }
            }
            return new Opened(pool, log, temporary, idDirectory);
        } catch (SQLException | RuntimeException e) {
            pool.dispose();
            if (log != null) log.close();
            deleteQuietly(temporary);
            if (e.getMessage() != null && (e.getMessage().contains("Database may be already in use") || e.getMessage().contains("is in use by another"))) {
                throw new StoreException("the store in " + directory + " is in use by another conch process", e);
            }
            throw new StoreException("cannot open the store in " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Returns how many migrations ran. */
    private static int migrate(String url, String target) {
        var configuration = Flyway.configure()
                .loggers("slf4j") // through conch's logging, not java.util.logging on stderr
                .dataSource(url, "conch", "")
                .locations("classpath:db/migration");
        if (target != null) configuration.target(target);
        return configuration.load().migrate().migrationsExecuted;
    }

    /** The JDBC URL of the file-backed store in {@code directory}. */
    static String fileUrl(Path directory) {
        return "jdbc:h2:file:" + directory.toAbsolutePath().resolve(DATABASE_NAME)
                // We close the database ourselves; a shutdown hook closing it under a live writer
                // would turn a clean stop into errors. A 16 MiB page cache: a larger one kept more
                // pages alive for the garbage collector to copy and an import of 1,000,000 messages
                // ran 8% slower with 64 MiB. No compaction at close: H2 spent its default 200 ms on it at
                // every close (each CLI command) even when little was garbage; a file mostly garbage is
                // rewritten whole at close instead (see H2FeedStore.close), and the size stays 1.17x the
                // signed JSON (scripts/bench feed).
                + ";DB_CLOSE_ON_EXIT=FALSE;CACHE_SIZE=16384;MAX_COMPACT_TIME=0";
    }

    /** Where the message log of the store in {@code directory} is. */
    static Path logDirectory(Path directory) {
        return directory.resolve("log");
    }

    /**
     * Streams the bodies a store written before the log still holds in {@code message.body} into the log,
     * in log order, recording each one's offset, then marks every row indexed. Runs while the body column
     * exists (between migrations 2 and 3) and can be interrupted anywhere: records the log already holds
     * are matched to their rows again, and the move goes on after them.
     */
    private static void moveBodiesIntoLog(Connection connection, MessageLog log) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            try (ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.COLUMNS "
                    + "WHERE TABLE_NAME = 'MESSAGE' AND COLUMN_NAME = 'BODY'")) {
                rows.next();
                if (rows.getLong(1) == 0) return;
            }
        }
        connection.setAutoCommit(false);
        try (PreparedStatement setOffset = connection.prepareStatement("UPDATE message SET log_offset = ? WHERE log_seq = ?")) {
            // What an interrupted move already wrote to the log.
            List<long[]> logged = new ArrayList<>();
            log.scan(0, (offset, entry) -> logged.add(new long[] {entry.logSequence(), offset}));
            for (long[] positionAndOffset : logged) {
                setOffset.setLong(1, positionAndOffset[1]);
                setOffset.setLong(2, positionAndOffset[0]);
                setOffset.addBatch();
            }
            setOffset.executeBatch();
            connection.commit();
            long total;
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM message WHERE log_offset IS NULL")) {
                rows.next();
                total = rows.getLong(1);
            }
            if (total >= MOVE_PROGRESS_EVERY) System.err.printf("conch: moving %,d message bodies from the database into the message log%n", total);
            long moved = 0;
            List<MessageLog.Entry> batch = new ArrayList<>(MOVE_BATCH);
            try (Statement scan = connection.createStatement()) {
                scan.setFetchSize(1_000);
                try (ResultSet rows = scan.executeQuery("SELECT m.log_seq, m.received_ts, m.msg_key, a.feed_key, m.seq, m.body "
                        + "FROM message m JOIN author a ON a.id = m.author_id WHERE m.log_offset IS NULL ORDER BY m.log_seq")) {
                    while (rows.next()) {
                        batch.add(new MessageLog.Entry(rows.getLong(1), rows.getDouble(2), org.conch.feed.MessageId.of(rows.getBytes(3)),
                                org.conch.feed.FeedId.of(rows.getBytes(4)), rows.getLong(5), rows.getBytes(6)));
                        if (batch.size() == MOVE_BATCH) {
                            moved += moveBatch(connection, log, setOffset, batch);
                            if (moved % MOVE_PROGRESS_EVERY == 0) System.err.printf("conch: moved %,d of %,d message bodies%n", moved, total);
                        }
                    }
                }
            }
            moved += moveBatch(connection, log, setOffset, batch);
            if (total >= MOVE_PROGRESS_EVERY) System.err.printf("conch: moved %,d message bodies; the database sheds them now%n", moved);
            try (Statement statement = connection.createStatement()) {
                long indexedThrough;
                try (ResultSet rows = statement.executeQuery("SELECT COALESCE(MAX(log_seq), 0) FROM message")) {
                    rows.next();
                    indexedThrough = rows.getLong(1);
                }
                // Records past every row were written after a move whose end H2 lost in a crash: the index
                // catch-up takes them from their offset, rather than the move marking them indexed.
                long indexedEnd = log.end();
                for (long[] positionAndOffset : logged) {
                    if (positionAndOffset[0] > indexedThrough) indexedEnd = Math.min(indexedEnd, positionAndOffset[1]);
                }
                statement.execute("UPDATE store_state SET num = " + indexedThrough + " WHERE name = 'indexed_through'");
                statement.execute("UPDATE store_state SET num = " + indexedEnd + " WHERE name = 'indexed_log_end'");
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    private static int moveBatch(Connection connection, MessageLog log, PreparedStatement setOffset, List<MessageLog.Entry> batch)
            throws SQLException {
        if (batch.isEmpty()) return 0;
        long[] offsets = log.append(batch); // durable before any row points at it
        for (int i = 0; i < offsets.length; i++) {
            setOffset.setLong(1, offsets[i]);
            setOffset.setLong(2, batch.get(i).logSequence());
            setOffset.addBatch();
        }
        setOffset.executeBatch();
        connection.commit();
        int moved = batch.size();
        batch.clear();
        return moved;
    }

    static void deleteQuietly(Path directory) {
        if (directory == null) return;
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }
}
