package org.conch.feed.store;

import org.conch.feed.FeedId;
import org.conch.feed.Message;
import org.conch.feed.MessageId;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;

/**
 * Writes the H2 indexes of what the log holds, off the append path. An append puts its entries here once
 * they are durable in the log; a thread of the store's own writes their rows (message, reply, new authors)
 * in one transaction per batch together with the {@code indexed_through} watermark, and only then drops
 * them from memory. Message ids go on to the {@link IdIndex} in larger sorted batches; how far it reaches is
 * never ahead of {@code indexed_through}.
 *
 * <p>Readers see every acknowledged append: they take a {@link #view} (the entries they want of those still in
 * memory, and the watermark) and read H2 for positions up to the watermark and the view for those past it.
 * Moving the watermark and dropping the entries it passed happen together under a lock a view also takes,
 * so in a view the memory holds exactly the positions past the watermark, and each position is in one of
 * the two. A view copies only the entries it asked for: readers run on every page a peer is sent.
 */
final class IndexWriter {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(IndexWriter.class);
    /** Past this many batches waiting, the appender writes one itself: memory stays bounded when H2 falls behind. */
    private static final int MOST_BATCHES_WAITING = 4;

    /** What the indexes hold of one logged message. */
    record Entry(long logSequence, long offset, long endOffset, int authorId, FeedId author, long sequence, MessageId key,
                 double claimedAt, double receivedAt, String type, MessageId root) {
        static Entry of(long logSequence, long offset, long endOffset, int authorId, Message message, double receivedAt) {
            return new Entry(logSequence, offset, endOffset, authorId, message.author(), message.sequence(), message.key(),
                    message.timestamp(), receivedAt, message.type(), rootOf(message));
        }
    }

    /** Entries not yet in H2 (those the reader asked for), and the watermark: every position past it is in memory. */
    record View(List<Entry> pending, long indexedThrough) {
    }

    private final ConcurrentSkipListMap<Long, Entry> pending = new ConcurrentSkipListMap<>();
    /** The same entries by author id and sequence, for the appender's duplicate and fork checks. */
    private final Map<Long, Entry> pendingBySlot = new ConcurrentHashMap<>();
    /** Ids of logged messages not yet in the id index, with their log positions. */
    private final Map<MessageId, Long> unindexedKeys = new ConcurrentHashMap<>();
    /** Authors whose row is in H2 (the rest are known only in memory so far). */
    private final Set<Integer> authorsInIndex = ConcurrentHashMap.newKeySet();
    private volatile long indexedThrough;
    /** Held to move the watermark and drop what it passed; views hold it shared, so they see both or neither. */
    private final ReentrantReadWriteLock watermark = new ReentrantReadWriteLock();
    private final int batch;
    private final int keyBatch;
    private final Connection connection;
    private final IdIndex ids;
    private final Executor executor;
    /** The executor made here and shut down on close; null when one was given. */
    private final ExecutorService ownExecutor;
    /** A batch is queued or being written; at most one at a time. */
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** Held while a batch is written, so that close and an appender writing a batch itself wait for it. */
    private final Object writing = new Object();
    private volatile boolean closed;

    IndexWriter(Connection connection, IdIndex ids, long indexedThrough, int batch, int keyBatch, Executor executor) {
        this.connection = connection;
        this.ids = ids;
        this.indexedThrough = indexedThrough;
        this.batch = batch;
        this.keyBatch = keyBatch;
        if (executor == null) {
            this.ownExecutor = Executors.newSingleThreadExecutor(task -> {
                Thread thread = new Thread(task, "conch-store-index");
                thread.setDaemon(true);
                return thread;
            });
            this.executor = ownExecutor;
        } else {
            this.ownExecutor = null;
            this.executor = executor;
        }
    }

    void authorIndexed(int authorId) {
        authorsInIndex.add(authorId);
    }

    /** Entries just made durable in the log, in log order. Appender only. */
    void add(List<Entry> entries) {
        for (Entry entry : entries) {
            pending.put(entry.logSequence(), entry);
            pendingBySlot.put(slot(entry.authorId(), entry.sequence()), entry);
            unindexedKeys.put(entry.key(), entry.logSequence());
        }
        if (pending.size() >= MOST_BATCHES_WAITING * batch) {
            // H2 fell behind: this append waits, rather than memory growing without end.
            try {
                writeBatch();
            } catch (RuntimeException e) {
                // The append is durable in the log and must be acknowledged; the entries wait for the next batch.
                LOG.atWarn().addKeyValue("reason", e.toString()).log("{}; the entries stay in memory", e.getMessage());
            }
        } else if (pending.size() >= batch || unindexedKeysDue()) {
            schedule();
        }
    }

    private boolean unindexedKeysDue() {
        return unindexedKeys.size() >= keyBatch;
    }

    /** The entries still in memory that {@code wanted} picks, in log order, with the watermark. */
    View view(Predicate<Entry> wanted) {
        watermark.readLock().lock();
        try {
            List<Entry> entries = new ArrayList<>();
            for (Entry entry : pending.values()) {
                if (wanted.test(entry)) entries.add(entry);
            }
            return new View(entries, indexedThrough);
        } finally {
            watermark.readLock().unlock();
        }
    }

    /**
     * One feed's entries still in memory with sequences from {@code fromSequence} to {@code latest}, in sequence
     * order, with the watermark. A feed's entries in memory are its newest, consecutive, so they are found by
     * sequence from {@code latest} down, without looking at other feeds'.
     */
    View feedView(int authorId, long fromSequence, long latest) {
        watermark.readLock().lock();
        try {
            java.util.ArrayDeque<Entry> entries = new java.util.ArrayDeque<>();
            for (long sequence = latest; sequence >= fromSequence; sequence--) {
                Entry entry = pendingBySlot.get(slot(authorId, sequence));
                if (entry == null) break;
                entries.addFirst(entry);
            }
            return new View(List.copyOf(entries), indexedThrough);
        } finally {
            watermark.readLock().unlock();
        }
    }

    long indexedThrough() {
        return indexedThrough;
    }

    Entry pendingAt(long logSequence) {
        return pending.get(logSequence);
    }

    Entry pendingAt(int authorId, long sequence) {
        return pendingBySlot.get(slot(authorId, sequence));
    }

    Long unindexedKey(MessageId key) {
        return unindexedKeys.get(key);
    }

    private static long slot(int authorId, long sequence) {
        return ((long) authorId << 32) | sequence;
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                executor.execute(this::writeInBackground);
            } catch (RejectedExecutionException e) {
                scheduled.set(false); // closing; close writes what is left itself
            }
        }
    }

    private void writeInBackground() {
        try {
            synchronized (writing) {
                if (!closed) writeBatch(); // a batch queued before close finds nothing left to do
            }
        } catch (RuntimeException e) {
            LOG.atWarn().addKeyValue("reason", e.toString())
                    .log("{}; the entries stay in memory and go with the next batch", e.getMessage());
        } finally {
            scheduled.set(false);
        }
    }

    /** Writes every entry now in memory to H2, then the ids if a batch of them is due. */
    private void writeBatch() {
        synchronized (writing) {
            writePending();
            if (unindexedKeysDue()) indexKeys(indexedThrough);
        }
    }

    private void writePending() {
        List<Entry> entries = new ArrayList<>(pending.values());
        if (entries.isEmpty()) return;
        writeRows(connection, entries, authorsInIndex);
        // Only now, and in one step for views: a reader that misses an entry here finds it in H2.
        watermark.writeLock().lock();
        try {
            indexedThrough = entries.get(entries.size() - 1).logSequence();
            for (Entry entry : entries) {
                pending.remove(entry.logSequence());
                pendingBySlot.remove(slot(entry.authorId(), entry.sequence()));
            }
        } finally {
            watermark.writeLock().unlock();
        }
    }

    /**
     * Writes the rows of {@code entries} (consecutive, in log order) and moves the watermark past them, in
     * one transaction. Used by the index thread, and when opening to catch up with the log.
     */
    static void writeRows(Connection connection, List<Entry> entries, Set<Integer> authorsInIndex) {
        try (PreparedStatement author = connection.prepareStatement("MERGE INTO author (id, feed_key) KEY (id) VALUES (?, ?)");
             PreparedStatement message = connection.prepareStatement(
                     "INSERT INTO message (log_seq, author_id, seq, msg_key, claimed_ts, received_ts, msg_type, log_offset) "
                             + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
             PreparedStatement reply = connection.prepareStatement("INSERT INTO reply (root, log_seq) VALUES (?, ?)");
             PreparedStatement mark = connection.prepareStatement("UPDATE store_state SET num = ? WHERE name = ?")) {
            Set<Integer> newAuthors = new HashSet<>();
            boolean anyReply = false;
            for (Entry entry : entries) {
                if (!authorsInIndex.contains(entry.authorId()) && newAuthors.add(entry.authorId())) {
                    author.setInt(1, entry.authorId());
                    author.setBytes(2, entry.author().bytes());
                    author.executeUpdate();
                }
                message.setLong(1, entry.logSequence());
                message.setInt(2, entry.authorId());
                message.setLong(3, entry.sequence());
                message.setBytes(4, entry.key().bytes());
                double claimed = entry.claimedAt();
                if (Double.isNaN(claimed) || Double.isInfinite(claimed)) message.setNull(5, Types.DOUBLE);
                else message.setDouble(5, claimed);
                message.setDouble(6, entry.receivedAt());
                if (entry.type() == null) message.setNull(7, Types.VARCHAR);
                else message.setString(7, entry.type());
                message.setLong(8, entry.offset());
                message.addBatch();
                if (entry.root() != null) {
                    reply.setBytes(1, entry.root().bytes());
                    reply.setLong(2, entry.logSequence());
                    reply.addBatch();
                    anyReply = true;
                }
            }
            message.executeBatch();
            if (anyReply) reply.executeBatch();
            Entry last = entries.get(entries.size() - 1);
            mark.setLong(1, last.logSequence());
            mark.setString(2, "indexed_through");
            mark.addBatch();
            mark.setLong(1, last.endOffset());
            mark.setString(2, "indexed_log_end");
            mark.addBatch();
            mark.executeBatch();
            // Not synced: a commit H2 loses in a crash is written again from the log when the store opens.
            connection.commit();
            authorsInIndex.addAll(newAuthors);
        } catch (SQLException e) {
            rollbackQuietly(connection);
            throw new StoreException("indexing " + entries.size() + " logged messages failed: " + e.getMessage(), e);
        }
    }

    /**
     * Moves the ids held in memory of the messages at log positions up to {@code through} into the id index
     * in one sorted run. Appends may go on meanwhile: theirs are later positions, left for the next batch.
     */
    private void indexKeys(long through) {
        List<IdIndex.IdPosition> batch = new ArrayList<>(unindexedKeys.size());
        List<MessageId> moved = new ArrayList<>(unindexedKeys.size());
        for (Map.Entry<MessageId, Long> entry : unindexedKeys.entrySet()) {
            if (entry.getValue() <= through) {
                batch.add(new IdIndex.IdPosition(prefixOf(entry.getKey().bytes()), entry.getValue()));
                moved.add(entry.getKey());
            }
        }
        // The messages are safely in the log; on failure their ids stay in memory and are tried again later.
        ids.add(batch, through);
        // Only now: a reader that misses an id here finds it in the index.
        for (MessageId key : moved) unindexedKeys.remove(key);
    }

    static long prefixOf(byte[] key) {
        return ByteBuffer.wrap(key).getLong();
    }

    /** The thread a message belongs to: content.root when it is a message id. */
    static MessageId rootOf(Message message) {
        if (message.content() instanceof Map<?, ?> content && content.get("root") instanceof String root) {
            return MessageId.tryParse(root).orElse(null);
        }
        return null;
    }

    /** Writes everything still in memory, ids included, and stops; a batch still queued then does nothing. */
    void close() {
        closed = true;
        if (ownExecutor != null) ownExecutor.shutdown();
        synchronized (writing) {
            writePending();
            if (!unindexedKeys.isEmpty()) indexKeys(indexedThrough);
            try (Statement statement = connection.createStatement()) {
                statement.execute("CHECKPOINT SYNC");
            } catch (SQLException e) {
                throw new StoreException("closing the store's indexes failed: " + e.getMessage(), e);
            }
        }
    }

    static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the change already failed; its error is the one worth reporting
        }
    }
}
