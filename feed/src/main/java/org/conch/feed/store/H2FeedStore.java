package org.conch.feed.store;

import org.conch.feed.FeedId;
import org.conch.feed.FeedState;
import org.conch.feed.Identity;
import org.conch.feed.InvalidMessageException;
import org.conch.feed.Message;
import org.conch.feed.MessageId;
import org.conch.feed.MessageSigner;
import org.conch.feed.MessageValidator;
import org.conch.feed.SignCap;
import org.conch.feed.store.AppendResult.Outcome;
import org.conch.feed.store.AppendResult.Status;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcConnectionPool;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The feed store on embedded, file-backed H2. One writer at a time (appends are serialised by a
 * lock and each is one transaction, synced to disk before it returns); readers use their own
 * connections and, through H2's MVCC, never wait for the writer.
 *
 * <p>The latest state of every feed is kept in memory, so checking a message's chain costs no
 * query; it is loaded from the log when the store opens.
 *
 * <p>New message ids go to the id index in large batches on a thread of the store's own, with a
 * connection of its own, so an append never waits for a batch (seconds at 100,000 ids on a slow machine).
 */
public final class H2FeedStore implements FeedStore, Timelines {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(H2FeedStore.class);
    private static final String DATABASE_NAME = "conch";
    /** Rows fetched per query when walking a feed or the log, so that no walk holds a feed in memory. */
    private static final int PAGE_SIZE = 1_000;
    /** Message ids held in memory before they go to the id index in one sorted batch (about 10 MiB). */
    static final int KEY_INDEX_BATCH = 100_000;
    /** Below this share of live data in the file, closing rewrites the file compactly. */
    private static final int COMPACT_BELOW_FILL_PERCENT = 60;

    /*
     * The paged queries. Each ORDER BY names every leading column of the index it walks, even the ones
     * the WHERE clause fixes: only then does H2 read the index in order and stop after LIMIT rows;
     * ordered by the last column alone it reads every remaining row of the range and sorts them, which
     * made paging through a long feed quadratic.
     */
    /** A page of one feed's messages from a sequence on: author id, first sequence, page size; seq comes back fifth. */
    static final String FEED_PAGE = "SELECT log_seq, msg_key, received_ts, body, seq FROM message "
            + "WHERE author_id = ? AND seq >= ? ORDER BY author_id, seq LIMIT ?";
    /** A thread's messages after a log position (0: from its start), in receive order: root, position, page size. */
    static final String REPLIES_PAGE = "SELECT m.log_seq, m.msg_key, m.received_ts, m.body FROM reply r "
            + "JOIN message m ON m.log_seq = r.log_seq WHERE r.root = ? AND r.log_seq > ? ORDER BY r.root, r.log_seq LIMIT ?";
    /** The newest messages of a type: type, page size. */
    static final String NEWEST_OF_TYPE = "SELECT log_seq, msg_key, received_ts, body FROM message WHERE msg_type = ? "
            + "ORDER BY msg_type DESC, log_seq DESC LIMIT ?";

    private final Path directory;
    private final JdbcConnectionPool readers;
    private final Connection writer;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Map<FeedId, FeedHead> heads = new ConcurrentHashMap<>();
    // Written only by the lock holder.
    /** Volatile so that counting messages never waits for an append (the HTTP health check asks on an event loop). */
    private volatile long nextLogSequence;
    private int nextAuthorId;
    private double lastReceivedAt;
    private final Map<FeedId, Double> lastPublishedTimestamp = new HashMap<>();
    /** Ids of logged messages not yet in message_key, with their log positions; see the schema. */
    private final Map<MessageId, Long> unindexedKeys = new ConcurrentHashMap<>();
    private final List<Consumer<StoredMessage>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean closed;
    /** Built on the first timeline query, then kept up to date by the writer; see {@link TimelineIndex}. */
    private volatile TimelineIndex timelineIndex;
    /** While the timeline index is being built: what the writer appended since the build's snapshot. Lock holder only. */
    private List<StoredMessage> appendedDuringTimelineBuild;
    /** One build of the timeline index at a time; other readers wait for it. */
    private final Object timelineBuild = new Object();

    /** The latest message of a feed and the author's surrogate id. */
    private record FeedHead(int authorId, long sequence, MessageId latest) {
        FeedState state() {
            return sequence == 0 ? null : new FeedState(latest, sequence);
        }
    }

    private final int keyIndexBatch;
    /** Where batches of ids are indexed, off the append path. */
    private final Executor indexExecutor;
    /** The executor the store made for itself and shuts down on close; null when it was given one. */
    private final ExecutorService ownIndexExecutor;
    /** The index thread's connection: its transactions run beside the writer's. */
    private final Connection indexWriter;
    /** A batch is queued or being written; at most one at a time. */
    private final AtomicBoolean indexScheduled = new AtomicBoolean();
    /** Held while a batch is written, so that close waits for it. */
    private final Object indexing = new Object();

    private H2FeedStore(Path directory, JdbcConnectionPool readers, Connection writer, Connection indexWriter,
                        int keyIndexBatch, Executor indexExecutor) {
        this.directory = directory;
        this.keyIndexBatch = keyIndexBatch;
        this.readers = readers;
        this.writer = writer;
        this.indexWriter = indexWriter;
        if (indexExecutor == null) {
            this.ownIndexExecutor = Executors.newSingleThreadExecutor(task -> {
                Thread thread = new Thread(task, "conch-id-index");
                thread.setDaemon(true);
                return thread;
            });
            this.indexExecutor = ownIndexExecutor;
        } else {
            this.ownIndexExecutor = null;
            this.indexExecutor = indexExecutor;
        }
    }

    /** Opens (creating and migrating as needed) the store in {@code directory}. */
    public static H2FeedStore open(Path directory) {
        return open(directory, false);
    }

    /**
     * @param inMemory for tests: a private in-memory database instead of files (durability moot)
     */
    public static H2FeedStore open(Path directory, boolean inMemory) {
        return open(directory, inMemory, KEY_INDEX_BATCH);
    }

    static H2FeedStore open(Path directory, boolean inMemory, int keyIndexBatch) {
        return open(directory, inMemory, keyIndexBatch, null);
    }

    /** @param indexExecutor for tests: runs the batches of the id index (null: a thread of the store's own) */
    static H2FeedStore open(Path directory, boolean inMemory, int keyIndexBatch, Executor indexExecutor) {
        String url;
        try {
            if (inMemory) {
                url = "jdbc:h2:mem:conch-" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
            } else {
                Files.createDirectories(directory);
                url = fileUrl(directory);
            }
        } catch (java.io.IOException e) {
            throw new StoreException("cannot create the store directory " + directory + ": " + e.getMessage(), e);
        }
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, "conch", "");
        pool.setMaxConnections(16);
        try {
            Flyway.configure()
                    .loggers("slf4j") // through conch's logging, not java.util.logging on stderr
                    .dataSource(url, "conch", "")
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            Connection writer = pool.getConnection();
            writer.setAutoCommit(false);
            Connection indexWriter = pool.getConnection();
            indexWriter.setAutoCommit(false);
            H2FeedStore store = new H2FeedStore(directory, pool, writer, indexWriter, keyIndexBatch, indexExecutor);
            store.loadHeads();
            return store;
        } catch (SQLException | RuntimeException e) {
            pool.dispose();
            if (e.getMessage() != null && e.getMessage().contains("Database may be already in use")) {
                throw new StoreException("the store in " + directory + " is in use by another conch process", e);
            }
            throw new StoreException("cannot open the store in " + directory + ": " + e.getMessage(), e);
        }
    }

    /** The JDBC URL of the file-backed store in {@code directory}. */
    static String fileUrl(Path directory) {
        return "jdbc:h2:file:" + directory.toAbsolutePath().resolve(DATABASE_NAME)
                // We close the database ourselves; a shutdown hook closing it under a live writer
                // would turn a clean stop into errors. A 16 MiB page cache: a larger one kept more
                // pages alive for the garbage collector to copy and an import of 1,000,000 messages
                // ran 8% slower with 64 MiB; compressed pages hold JSON in about half the space.
                + ";DB_CLOSE_ON_EXIT=FALSE;CACHE_SIZE=16384;COMPRESS=TRUE";
    }

    private void loadHeads() throws SQLException {
        try (Statement statement = writer.createStatement()) {
            try (ResultSet rows = statement.executeQuery(
                    "SELECT COALESCE(MAX(log_seq), 0), COALESCE(MAX(received_ts), 0) FROM message")) {
                rows.next();
                nextLogSequence = rows.getLong(1) + 1;
                lastReceivedAt = rows.getDouble(2);
            }
            try (ResultSet rows = statement.executeQuery("SELECT COALESCE(MAX(id), 0) FROM author")) {
                rows.next();
                nextAuthorId = rows.getInt(1) + 1;
            }
            try (ResultSet rows = statement.executeQuery(
                    "SELECT a.id, a.feed_key, m.seq, m.msg_key FROM author a "
                            + "LEFT JOIN message m ON m.author_id = a.id "
                            + "AND m.seq = (SELECT MAX(seq) FROM message WHERE author_id = a.id)")) {
                while (rows.next()) {
                    byte[] key = rows.getBytes(4);
                    heads.put(FeedId.of(rows.getBytes(2)), new FeedHead(rows.getInt(1), rows.getLong(3),
                            key == null ? null : MessageId.of(key)));
                }
            }
            long indexedThrough;
            try (ResultSet rows = statement.executeQuery("SELECT num FROM store_state WHERE name = 'keys_indexed_through'")) {
                rows.next();
                indexedThrough = rows.getLong(1);
            }
            try (PreparedStatement query = writer.prepareStatement("SELECT log_seq, msg_key FROM message WHERE log_seq > ?")) {
                query.setLong(1, indexedThrough);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) unindexedKeys.put(MessageId.of(rows.getBytes(2)), rows.getLong(1));
                }
            }
            writer.commit();
        }
    }

    @Override
    public AppendResult append(List<Message> messages) {
        writeLock.lock();
        try {
            checkOpen();
            return appendLocked(messages);
        } finally {
            writeLock.unlock();
        }
    }

    private AppendResult appendLocked(List<Message> messages) {
        // Changes to the in-memory state are staged here and applied only once the batch is durable.
        Map<FeedId, FeedHead> staged = new HashMap<>();
        // author id << 32 | sequence -> key, for the messages of this batch not yet in the database
        Map<Long, MessageId> keysInBatch = new HashMap<>();
        List<Outcome> outcomes = new ArrayList<>(messages.size());
        long logSequence = nextLogSequence;
        int authorId = nextAuthorId;
        double receivedAt = Math.max(System.currentTimeMillis(), lastReceivedAt);
        try (PreparedStatement insertMessage = writer.prepareStatement(
                "INSERT INTO message (log_seq, author_id, seq, msg_key, claimed_ts, received_ts, "
                        + "msg_type, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
             PreparedStatement insertReply = writer.prepareStatement("INSERT INTO reply (root, log_seq) VALUES (?, ?)");
             PreparedStatement insertAuthor = writer.prepareStatement(
                     "INSERT INTO author (id, feed_key) VALUES (?, ?)")) {
            boolean anyMessage = false;
            boolean anyReply = false;
            for (Message message : messages) {
                FeedHead head = staged.containsKey(message.author()) ? staged.get(message.author()) : heads.get(message.author());
                if (head == null) {
                    head = new FeedHead(authorId++, 0, null);
                    insertAuthor.setInt(1, head.authorId());
                    insertAuthor.setBytes(2, message.author().bytes());
                    insertAuthor.executeUpdate();
                    staged.put(message.author(), head);
                }
                if (message.sequence() <= head.sequence()) {
                    MessageId stored = keyAt(head.authorId(), message.sequence(), keysInBatch);
                    if (message.key().equals(stored)) {
                        outcomes.add(new Outcome(message, Status.DUPLICATE, null));
                    } else {
                        String reason = "a different message " + stored + " is stored at " + message.author() + ":" + message.sequence();
                        recordFork(head.authorId(), message, reason, receivedAt);
                        outcomes.add(new Outcome(message, Status.FORK, reason));
                    }
                    continue;
                }
                try {
                    MessageValidator.checkChain(head.state(), message);
                } catch (InvalidMessageException e) {
                    if (e.isFork()) {
                        recordFork(head.authorId(), message, e.getMessage(), receivedAt);
                        outcomes.add(new Outcome(message, Status.FORK, e.getMessage()));
                    } else {
                        outcomes.add(new Outcome(message, Status.REFUSED, e.getMessage()));
                    }
                    continue;
                }
                bindMessage(insertMessage, logSequence, head.authorId(), message, receivedAt);
                insertMessage.addBatch();
                anyMessage = true;
                MessageId root = rootOf(message);
                if (root != null) {
                    insertReply.setBytes(1, root.bytes());
                    insertReply.setLong(2, logSequence);
                    insertReply.addBatch();
                    anyReply = true;
                }
                logSequence++;
                keysInBatch.put(slot(head.authorId(), message.sequence()), message.key());
                staged.put(message.author(), new FeedHead(head.authorId(), message.sequence(), message.key()));
                outcomes.add(new Outcome(message, Status.STORED, null));
            }
            if (anyMessage) {
                insertMessage.executeBatch();
            }
            if (anyReply) {
                insertReply.executeBatch();
            }
            writer.commit();
            sync(writer);
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(writer);
            throw new StoreException("append of " + messages.size() + " messages failed and was rolled back: " + e.getMessage(), e);
        }
        long stored = nextLogSequence;
        List<StoredMessage> appended = new ArrayList<>();
        for (Outcome outcome : outcomes) {
            if (outcome.status() != Status.STORED) continue;
            unindexedKeys.put(outcome.message().key(), stored);
            if (!listeners.isEmpty()) appended.add(new StoredMessage(stored, outcome.message(), receivedAt));
            stored++;
        }
        heads.putAll(staged);
        TimelineIndex timelines = timelineIndex;
        if (timelines != null || appendedDuringTimelineBuild != null) {
            long position = nextLogSequence;
            for (Outcome outcome : outcomes) {
                if (outcome.status() != Status.STORED) continue;
                if (timelines != null) timelines.add(position, outcome.message());
                else appendedDuringTimelineBuild.add(new StoredMessage(position, outcome.message(), receivedAt));
                position++;
            }
        }
        nextLogSequence = logSequence;
        if (unindexedKeys.size() >= keyIndexBatch) {
            scheduleIndexing();
        }
        for (StoredMessage message : appended) {
            for (Consumer<StoredMessage> listener : listeners) {
                try {
                    listener.accept(message);
                } catch (RuntimeException e) {
                    // A listener's bug must not turn a durable append into a reported failure.
                    Message failedOn = message.message();
                    LOG.atWarn()
                            .addKeyValue("feed", failedOn.author()).addKeyValue("seq", failedOn.sequence())
                            .addKeyValue("reason", e.toString())
                            .log("append listener failed on {}: {}", failedOn, e.toString());
                }
            }
        }
        nextAuthorId = authorId;
        lastReceivedAt = receivedAt;
        return new AppendResult(outcomes);
    }

    /** Queues a batch for the index thread unless one is queued or running. Lock holder only. */
    private void scheduleIndexing() {
        if (indexScheduled.compareAndSet(false, true)) {
            try {
                indexExecutor.execute(this::indexInBackground);
            } catch (RejectedExecutionException e) {
                indexScheduled.set(false); // closing; close indexes what is left itself
            }
        }
    }

    private void indexInBackground() {
        synchronized (indexing) {
            try {
                if (!closed) indexKeys(indexWriter, nextLogSequence - 1);
            } catch (RuntimeException e) {
                LOG.atWarn().addKeyValue("reason", e.toString())
                        .log("{}; the ids stay in memory and go with the next batch", e.getMessage());
            } finally {
                indexScheduled.set(false);
            }
        }
    }

    /**
     * Moves the ids held in memory of the messages at log positions up to {@code through} into
     * message_key in one sorted batch, on {@code connection}, and records that they are there.
     * Appends may go on meanwhile: theirs are later positions, left for the next batch.
     */
    private void indexKeys(Connection connection, long through) {
        // Each prefix worked out once: a comparator that read it would copy the id's bytes at every comparison.
        List<IndexEntry> entries = new ArrayList<>(unindexedKeys.size());
        for (Map.Entry<MessageId, Long> entry : unindexedKeys.entrySet()) {
            // Every id up to `through` is here: the writer puts ids in before it publishes their positions.
            if (entry.getValue() <= through) {
                entries.add(new IndexEntry(prefixOf(entry.getKey().bytes()), entry.getValue(), entry.getKey()));
            }
        }
        entries.sort(java.util.Comparator.comparingLong(IndexEntry::prefix));
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO message_key (key_prefix, log_seq) VALUES (?, ?)");
             PreparedStatement mark = connection.prepareStatement("UPDATE store_state SET num = ? WHERE name = 'keys_indexed_through'")) {
            for (IndexEntry entry : entries) {
                insert.setLong(1, entry.prefix());
                insert.setLong(2, entry.logSequence());
                insert.addBatch();
            }
            insert.executeBatch();
            mark.setLong(1, through);
            mark.executeUpdate();
            connection.commit();
            sync(connection);
        } catch (SQLException e) {
            rollbackQuietly(connection);
            // The messages are safely in the log; their ids stay in memory and are tried again later.
            throw new StoreException("indexing " + entries.size() + " message ids failed: " + e.getMessage(), e);
        }
        // Only now: a reader that misses an id here finds it in message_key.
        for (IndexEntry entry : entries) unindexedKeys.remove(entry.key());
    }

    /** A message id on its way into message_key. */
    private record IndexEntry(long prefix, long logSequence, MessageId key) {
    }

    /** Makes the last commit durable: H2 otherwise writes committed changes out in the background. */
    private static void sync(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CHECKPOINT SYNC");
        }
    }

    private static long slot(int authorId, long sequence) {
        return ((long) authorId << 32) | sequence;
    }

    private MessageId keyAt(int authorId, long sequence, Map<Long, MessageId> keysInBatch) throws SQLException {
        MessageId inBatch = keysInBatch.get(slot(authorId, sequence));
        if (inBatch != null) {
            return inBatch;
        }
        try (PreparedStatement query = writer.prepareStatement("SELECT msg_key FROM message WHERE author_id = ? AND seq = ?")) {
            query.setInt(1, authorId);
            query.setLong(2, sequence);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? MessageId.of(rows.getBytes(1)) : null;
            }
        }
    }

    private void recordFork(int authorId, Message message, String reason, double receivedAt) throws SQLException {
        try (PreparedStatement merge = writer.prepareStatement(
                "MERGE INTO fork (msg_key, author_id, seq, reason, received_ts, body) KEY (msg_key) VALUES (?, ?, ?, ?, ?, ?)")) {
            merge.setBytes(1, message.key().bytes());
            merge.setInt(2, authorId);
            merge.setLong(3, message.sequence());
            merge.setString(4, reason.length() > 1000 ? reason.substring(0, 1000) : reason);
            merge.setDouble(5, receivedAt);
            merge.setBytes(6, message.compactUtf8());
            merge.executeUpdate();
        }
    }

    private static void bindMessage(PreparedStatement insert, long logSequence, int authorId, Message message,
                                    double receivedAt) throws SQLException {
        insert.setLong(1, logSequence);
        insert.setInt(2, authorId);
        insert.setLong(3, message.sequence());
        insert.setBytes(4, message.key().bytes());
        double claimed = message.timestamp();
        if (Double.isNaN(claimed) || Double.isInfinite(claimed)) insert.setNull(5, Types.DOUBLE);
        else insert.setDouble(5, claimed);
        insert.setDouble(6, receivedAt);
        String type = message.type();
        if (type == null) insert.setNull(7, Types.VARCHAR);
        else insert.setString(7, type);
        insert.setBytes(8, message.compactUtf8());
    }

    /** The thread a message belongs to: content.root when it is a message id. */
    static MessageId rootOf(Message message) {
        if (message.content() instanceof Map<?, ?> content && content.get("root") instanceof String root) {
            return MessageId.tryParse(root).orElse(null);
        }
        return null;
    }

    @Override
    public Message publish(Identity identity, Object content, SignCap cap) {
        return publish(identity, List.of(content), cap).get(0);
    }

    /** Signs and appends several messages of one feed in one durable transaction. */
    public List<Message> publish(Identity identity, List<?> contents, SignCap cap) {
        writeLock.lock();
        try {
            checkOpen();
            FeedHead head = heads.get(identity.id());
            FeedState state = head == null ? null : head.state();
            double timestamp = Math.max(System.currentTimeMillis(),
                    lastPublishedTimestamp.getOrDefault(identity.id(), 0.0) + 1);
            List<Message> signed = new ArrayList<>(contents.size());
            for (Object content : contents) {
                Message message = MessageSigner.sign(identity, state, content, timestamp, cap);
                signed.add(message);
                state = FeedState.of(message);
                timestamp++;
            }
            AppendResult result = appendLocked(signed);
            for (Outcome outcome : result.outcomes()) {
                if (outcome.status() != Status.STORED) {
                    throw new StoreException("could not append own message " + outcome.message() + ": " + outcome.reason());
                }
            }
            lastPublishedTimestamp.put(identity.id(), timestamp - 1);
            return signed;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public Optional<FeedState> state(FeedId feed) {
        FeedHead head = heads.get(feed);
        return head == null ? Optional.empty() : Optional.ofNullable(head.state());
    }

    @Override
    public Optional<StoredMessage> get(MessageId key) {
        Long pending = unindexedKeys.get(key);
        if (pending != null) {
            return query("SELECT log_seq, msg_key, received_ts, body FROM message WHERE log_seq = ?",
                    statement -> statement.setLong(1, pending)).stream().findFirst();
        }
        List<StoredMessage> found = query("SELECT m.log_seq, m.msg_key, m.received_ts, m.body FROM message_key k "
                + "JOIN message m ON m.log_seq = k.log_seq WHERE k.key_prefix = ? AND m.msg_key = ?", statement -> {
            byte[] bytes = key.bytes();
            statement.setLong(1, prefixOf(bytes));
            statement.setBytes(2, bytes);
        });
        return found.stream().findFirst();
    }

    private static long prefixOf(byte[] key) {
        return ByteBuffer.wrap(key).getLong();
    }

    @Override
    public void forEachInFeed(FeedId feed, long fromSequence, long limit, Consumer<StoredMessage> action) {
        FeedHead head = heads.get(feed);
        if (head == null) return;
        long next = Math.max(1, fromSequence);
        long remaining = limit <= 0 ? Long.MAX_VALUE : limit;
        while (remaining > 0) {
            long from = next;
            int page = (int) Math.min(PAGE_SIZE, remaining);
            List<StoredMessage> rows = queryFeedPage(feed, head.authorId(), from, page);
            for (StoredMessage row : rows) {
                action.accept(row);
            }
            if (rows.size() < page) return;
            remaining -= rows.size();
            next = rows.get(rows.size() - 1).message().sequence() + 1;
        }
    }

    @Override
    public void forEachInLog(long fromLogSequence, Consumer<StoredMessage> action) {
        long next = fromLogSequence;
        while (true) {
            long from = next;
            List<StoredMessage> rows = query("SELECT log_seq, msg_key, received_ts, body FROM message "
                    + "WHERE log_seq >= ? ORDER BY log_seq LIMIT " + PAGE_SIZE, statement -> statement.setLong(1, from));
            for (StoredMessage row : rows) {
                action.accept(row);
            }
            if (rows.size() < PAGE_SIZE) return;
            next = rows.get(rows.size() - 1).logSequence() + 1;
        }
    }

    @Override
    public List<FeedSummary> feeds() {
        List<FeedSummary> summaries = new ArrayList<>();
        heads.forEach((feed, head) -> {
            if (head.sequence() > 0) summaries.add(new FeedSummary(feed, head.sequence(), head.latest()));
        });
        summaries.sort((a, b) -> a.feed().toString().compareTo(b.feed().toString()));
        return summaries;
    }

    @Override
    public List<Fork> forks(FeedId feed) {
        FeedHead head = heads.get(feed);
        if (head == null) return List.of();
        List<Fork> forks = new ArrayList<>();
        try (Connection connection = readers.getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT msg_key, seq, reason, received_ts, body FROM fork WHERE author_id = ? ORDER BY seq, received_ts")) {
            query.setInt(1, head.authorId());
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    MessageId key = MessageId.of(rows.getBytes(1));
                    Message message = Message.fromStore(key, new String(rows.getBytes(5), StandardCharsets.UTF_8));
                    forks.add(new Fork(feed, rows.getLong(2), key, rows.getString(3), rows.getDouble(4), message));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the forks of " + feed + ": " + e.getMessage(), e);
        }
        return forks;
    }

    @Override
    public List<StoredMessage> thread(MessageId root, int limit) {
        return query(REPLIES_PAGE, statement -> {
            statement.setBytes(1, root.bytes());
            statement.setLong(2, 0); // log positions start at 1
            statement.setInt(3, limit);
        });
    }

    @Override
    public List<StoredMessage> byType(String type, int limit) {
        return query(NEWEST_OF_TYPE, statement -> {
            statement.setString(1, type);
            statement.setInt(2, limit);
        });
    }

    @Override
    public long messageCount() {
        return nextLogSequence - 1;
    }

    @Override
    public AutoCloseable subscribe(Consumer<StoredMessage> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public Page publicTimeline(Kind kind, long before, int limit) {
        int pageSize = Timelines.clampLimit(limit);
        long[] positions;
        if (kind == Kind.POSTS) {
            positions = timelineIndex().newestPosts(before, pageSize);
        } else {
            // The log has no holes: the newest messages below `before` are the positions just below it.
            long top = Math.min(before, nextLogSequence) - 1;
            int count = (int) Math.max(0, Math.min(pageSize + 1L, top));
            positions = new long[count];
            for (int i = 0; i < count; i++) positions[i] = top - i;
        }
        return page(positions, pageSize);
    }

    @Override
    public Page homeTimeline(Set<FeedId> feeds, Kind kind, long before, int limit) {
        int pageSize = Timelines.clampLimit(limit);
        return page(timelineIndex().newest(feeds, kind, before, pageSize), pageSize);
    }

    @Override
    public Page profile(FeedId feed, Kind kind, long before, int limit) {
        return homeTimeline(Set.of(feed), kind, before, limit);
    }

    @Override
    public Page replies(MessageId root, long after, int limit) {
        int pageSize = Timelines.clampLimit(limit);
        List<StoredMessage> rows = query(REPLIES_PAGE, statement -> {
            statement.setBytes(1, root.bytes());
            statement.setLong(2, after);
            statement.setInt(3, pageSize + 1);
        });
        if (rows.size() <= pageSize) return new Page(rows, 0);
        List<StoredMessage> page = rows.subList(0, pageSize);
        return new Page(page, page.get(pageSize - 1).logSequence());
    }

    @Override
    public About about(FeedId feed) {
        return timelineIndex().about(feed);
    }

    @Override
    public Map<FeedId, About> abouts(Collection<FeedId> feeds) {
        TimelineIndex index = timelineIndex();
        Map<FeedId, About> result = new HashMap<>();
        for (FeedId feed : feeds) result.put(feed, index.about(feed));
        return result;
    }

    /**
     * The messages at {@code positions} (newest first, one more than a page when there is a next
     * page) read in one query, as a page.
     */
    private Page page(long[] positions, int pageSize) {
        int count = Math.min(positions.length, pageSize);
        if (count == 0) return new Page(List.of(), 0);
        StringBuilder sql = new StringBuilder("SELECT log_seq, msg_key, received_ts, body FROM message WHERE log_seq IN (");
        for (int i = 0; i < count; i++) sql.append(i == 0 ? "?" : ",?");
        sql.append(") ORDER BY log_seq DESC");
        List<StoredMessage> rows = query(sql.toString(), statement -> {
            for (int i = 0; i < count; i++) statement.setLong(i + 1, positions[i]);
        });
        return new Page(rows, positions.length > pageSize ? positions[pageSize - 1] : 0);
    }

    /**
     * The in-memory timeline index, built from the log on first use (seconds at a million messages).
     * Appends go on meanwhile: the build reads the log up to a snapshot position, and what is appended
     * after it is replayed into the index before the index is published.
     */
    private TimelineIndex timelineIndex() {
        TimelineIndex index = timelineIndex;
        if (index != null) return index;
        synchronized (timelineBuild) {
            if (timelineIndex != null) return timelineIndex;
            long snapshot;
            Map<Integer, FeedId> feedsById = new HashMap<>();
            List<StoredMessage> appendedMeanwhile = new ArrayList<>();
            writeLock.lock();
            try {
                checkOpen();
                snapshot = nextLogSequence - 1;
                heads.forEach((feed, head) -> feedsById.put(head.authorId(), feed));
                appendedDuringTimelineBuild = appendedMeanwhile;
            } finally {
                writeLock.unlock();
            }
            TimelineIndex built = null;
            try {
                built = buildTimelineIndex(snapshot, feedsById);
            } finally {
                writeLock.lock();
                try {
                    if (built != null) {
                        for (StoredMessage stored : appendedMeanwhile) built.add(stored.logSequence(), stored.message());
                        timelineIndex = built;
                    }
                    appendedDuringTimelineBuild = null;
                } finally {
                    writeLock.unlock();
                }
            }
            return built;
        }
    }

    /** The timeline index of the log up to position {@code snapshot}. */
    private TimelineIndex buildTimelineIndex(long snapshot, Map<Integer, FeedId> feedsById) {
        TimelineIndex index = new TimelineIndex();
        try (Connection connection = readers.getConnection(); Statement statement = connection.createStatement()) {
            // Both walks read indexes: (msg_type, log_seq), and (author_id, seq), whose entries hold the row key log_seq.
            // Positions past the snapshot may show up (they were committed since) and are left to the replay.
            BitSet posts = new BitSet();
            try (ResultSet rows = statement.executeQuery("SELECT log_seq FROM message WHERE msg_type = 'post'")) {
                while (rows.next()) {
                    long position = rows.getLong(1);
                    if (position <= snapshot) posts.set(Math.toIntExact(position));
                }
            }
            for (int position = posts.nextSetBit(0); position >= 0; position = posts.nextSetBit(position + 1)) {
                index.addPublicPost(position);
            }
            try (ResultSet rows = statement.executeQuery("SELECT author_id, log_seq FROM message ORDER BY author_id, seq")) {
                while (rows.next()) {
                    long position = rows.getLong(2);
                    if (position > snapshot) continue;
                    index.addFeedPosition(feedsById.get(rows.getInt(1)), position, posts.get(Math.toIntExact(position)));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot build the timeline index: " + e.getMessage(), e);
        }
        for (StoredMessage about : query("SELECT log_seq, msg_key, received_ts, body FROM message WHERE msg_type = 'about' "
                + "AND log_seq <= ? ORDER BY log_seq", statement -> statement.setLong(1, snapshot))) {
            index.applyAbout(about.message());
        }
        return index;
    }

    /** Where the database files are. */
    public Path directory() {
        return directory;
    }

    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private interface RowMessage {
        Message read(ResultSet rows) throws SQLException;
    }

    /** Rows of (log_seq, msg_key, received_ts, body, ...) as stored messages. */
    private List<StoredMessage> query(String sql, Binder binder) {
        return query(sql, binder, rows -> Message.fromStore(MessageId.of(rows.getBytes(2)),
                new String(rows.getBytes(4), StandardCharsets.UTF_8)));
    }

    private List<StoredMessage> query(String sql, Binder binder, RowMessage rowMessage) {
        checkOpen();
        List<StoredMessage> result = new ArrayList<>();
        try (Connection connection = readers.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    result.add(new StoredMessage(rows.getLong(1), rowMessage.read(rows), rows.getDouble(3)));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("store query failed: " + e.getMessage(), e);
        }
        return result;
    }

    /**
     * One page of a feed. Its messages parse their JSON only when asked: replication forwards the
     * stored bytes as they are.
     */
    private List<StoredMessage> queryFeedPage(FeedId feed, int authorId, long fromSequence, int pageSize) {
        return query(FEED_PAGE, statement -> {
            statement.setInt(1, authorId);
            statement.setLong(2, fromSequence);
            statement.setInt(3, pageSize);
        }, rows -> Message.fromStore(MessageId.of(rows.getBytes(2)), feed, rows.getLong(5), rows.getBytes(4)));
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the change already failed; its error is the one worth reporting
        }
    }

    private void checkOpen() {
        if (closed) throw new StoreException("the store in " + directory + " is closed");
    }

    /**
     * H2 never overwrites a page: it writes a new version and frees the old chunk only once all of it
     * is garbage. Heavy appending leaves most of the file garbage; rewriting it whole at close is far
     * faster (seconds per million messages) than the incremental compaction H2 does while running.
     */
    private static boolean mostlyGarbage(Statement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery(
                "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'info.CHUNKS_FILL_RATE'")) {
            return rows.next() && Integer.parseInt(rows.getString(1).trim()) < COMPACT_BELOW_FILL_PERCENT;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    @Override
    public void close() {
        writeLock.lock();
        try {
            if (closed) return;
            closed = true;
            if (ownIndexExecutor != null) ownIndexExecutor.shutdown();
            // Waits for a batch being written; one still queued sees the store closed and does nothing.
            synchronized (indexing) {
                try (Statement statement = writer.createStatement()) {
                    if (!unindexedKeys.isEmpty()) indexKeys(writer, nextLogSequence - 1);
                    statement.execute(mostlyGarbage(statement) ? "SHUTDOWN COMPACT" : "SHUTDOWN");
                } catch (SQLException e) {
                    throw new StoreException("closing the store failed: " + e.getMessage(), e);
                } finally {
                    readers.dispose();
                }
            }
        } finally {
            writeLock.unlock();
        }
    }
}
