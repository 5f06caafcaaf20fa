package org.conch.feed.store;

import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.feed.MessageId;
import org.conch.feed.privatebox.PrivateReader;
import org.conch.feed.privatebox.PrivateThreads;
import org.conch.feed.privatebox.UnboxKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The private messages (box1) of the store that one identity can read, grouped into conversations by their
 * thread root, with an unread mark each. Every boxed message is tried once: as it is appended (the append
 * thread only checks that the content is a {@code .box} string and queues it; the unboxing runs on this
 * index's own thread), and, when the index opens, every message the log holds past the last look. The log
 * keeps the ciphertext; the index keeps each readable message's unbox key and reads it again with that.
 */
public final class PrivateIndex implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PrivateIndex.class);
    /** Messages looked through between two saves of the watermark while catching up. */
    private static final int CATCH_UP_CHECKPOINT = 10_000;
    private static final String INDEXED_THROUGH = "private_indexed_through";
    private static final String READER = "private_reader";

    /** A private message opened: the stored (boxed) message, its content in clear, conversation and recipients. */
    public record PrivateMessage(StoredMessage stored, Map<String, Object> content, MessageId root,
                                 List<FeedId> recipients, boolean read) {
        public MessageId key() {
            return stored.message().key();
        }
    }

    /** A conversation: its root, everyone in it (recipients and authors), its newest message, counts. */
    public record Conversation(MessageId root, List<FeedId> participants, PrivateMessage latest, int messages, int unread) {
    }

    private final H2FeedStore store;
    private final PrivateReader reader;
    private final ExecutorService thread;
    private final List<Consumer<PrivateMessage>> listeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
    /** The newest log position the store announced: everything up to it is queued or looked at. */
    private final AtomicLong announced = new AtomicLong();
    private final AutoCloseable subscription;
    /**
     * The last log position when the index subscribed: the catch-up looks at the log up to here, the
     * subscription at everything after, so that no message falls between the two whatever runs first.
     * Until it is read, a queued message is the catch-up's: it was appended before the boundary is read.
     */
    private volatile long boundary = Long.MAX_VALUE;
    /** How far the log has been looked at: the catch-up's progress, then (once it is done) past the boundary. Index thread only. */
    private long indexedThrough;
    /** The catch-up looked at everything up to the boundary. Index thread only. */
    private boolean caughtUpToBoundary;
    private volatile boolean closing;

    private PrivateIndex(H2FeedStore store, Identity identity) {
        this.store = store;
        this.reader = new PrivateReader(identity);
        this.thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread named = new Thread(runnable, "conch-private-index");
            named.setDaemon(true);
            return named;
        });
        this.indexedThrough = loadWatermark();
        // The append thread only checks for a boxed content; trying the box runs on the index's thread.
        this.subscription = store.subscribe(stored -> {
            announced.accumulateAndGet(stored.logSequence(), Math::max);
            if (!stored.message().isEncrypted() || closing) return;
            try {
                thread.execute(() -> {
                    if (stored.logSequence() > boundary) index(stored, true);
                });
            } catch (RejectedExecutionException stopping) {
                // closing: the watermark stays below it, so the next opening looks at it again
            }
        });
        this.boundary = store.nextLogSequence() - 1;
        thread.execute(this::catchUp);
    }

    /** Opens the index of {@code identity}'s private messages in {@code store}; catching up runs in the background. */
    public static PrivateIndex open(H2FeedStore store, Identity identity) {
        return new PrivateIndex(store, identity);
    }

    /** Completes once every message stored before the index opened has been looked at. */
    public CompletableFuture<Void> caughtUp() {
        return caughtUp;
    }

    /** Completes once every message appended before this call has been tried (the catch-up included). */
    public CompletableFuture<Void> indexed() {
        return CompletableFuture.runAsync(() -> {
        }, thread);
    }

    /**
     * Calls {@code listener} with each readable private message appended from now on, on the index's thread,
     * after it is indexed. It must not block. Closing the returned handle stops the calls.
     */
    public AutoCloseable subscribe(Consumer<PrivateMessage> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    // ------------------------------------------------------------------ indexing (the index's thread)

    private long loadWatermark() {
        long readerTag = ByteBuffer.wrap(reader.id().bytes()).getLong();
        try (Connection connection = store.readers().getConnection()) {
            long through = number(connection, INDEXED_THROUGH);
            if (number(connection, READER) != readerTag) {
                // another identity's index, or none yet: start afresh
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM private_message")) {
                    delete.executeUpdate();
                }
                save(connection, READER, readerTag);
                save(connection, INDEXED_THROUGH, 0);
                through = 0;
            }
            return through;
        } catch (SQLException e) {
            throw new StoreException("cannot open the index of private messages: " + e.getMessage(), e);
        }
    }

    private void catchUp() {
        long from = indexedThrough + 1;
        long started = System.nanoTime();
        int[] found = {0};
        try {
            if (from <= boundary) {
                store.forEachInLog(from, stored -> {
                    if (closing || stored.logSequence() > boundary) throw new CatchUpStopped();
                    if (index(stored, false)) found[0]++;
                    indexedThrough = stored.logSequence();
                    if (stored.logSequence() % CATCH_UP_CHECKPOINT == 0) saveWatermark();
                });
            }
        } catch (CatchUpStopped stopped) {
            // closing, or past the boundary: the subscription has the rest
        } catch (RuntimeException e) {
            LOG.warn("looking through the stored messages for private ones failed at {}: {}", indexedThrough, e.toString());
        } finally {
            caughtUpToBoundary = !closing && indexedThrough >= boundary;
            saveWatermark();
            if (caughtUpToBoundary && boundary >= from) {
                LOG.info("looked through {} stored messages for private ones in {} ms: {} readable",
                        boundary - from + 1, (System.nanoTime() - started) / 1_000_000, found[0]);
            }
            caughtUp.complete(null);
        }
    }

    /** Tries one message; true when it is ours to read (and is now indexed). */
    private boolean index(StoredMessage stored, boolean live) {
        if (!stored.message().isEncrypted()) return false;
        Object content = stored.message().content();
        if (!PrivateReader.isBoxed(content)) return false;
        Optional<UnboxKey> key = reader.unboxKey(content);
        if (key.isEmpty()) return false;
        Map<String, Object> opened = PrivateReader.open(content, key.get()).orElse(null);
        if (opened == null) return false; // a slot for us but no JSON object inside: unreadable as a message
        MessageId root = PrivateThreads.root(stored.message().key(), opened);
        List<FeedId> recipients = PrivateThreads.recipients(opened);
        boolean read = stored.message().author().equals(reader.id());
        try (Connection connection = store.readers().getConnection();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO private_message (log_seq, root, recipients, unbox_key, is_read) "
                             + "SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM private_message WHERE log_seq = ?)")) {
            insert.setLong(1, stored.logSequence());
            insert.setBytes(2, root.bytes());
            insert.setString(3, String.join(" ", recipients.stream().map(FeedId::toString).toList()));
            insert.setBytes(4, key.get().bytes());
            insert.setBoolean(5, read);
            insert.setLong(6, stored.logSequence());
            insert.executeUpdate();
        } catch (SQLException e) {
            LOG.warn("cannot index private message {}: {}", stored.message().key(), e.toString());
            return false;
        }
        if (live) {
            PrivateMessage message = new PrivateMessage(stored, opened, root, recipients, read);
            for (Consumer<PrivateMessage> listener : listeners) {
                try {
                    listener.accept(message);
                } catch (RuntimeException e) {
                    LOG.warn("private message listener failed on {}: {}", message.key(), e.toString());
                }
            }
        }
        return true;
    }

    private void saveWatermark() {
        try (Connection connection = store.readers().getConnection()) {
            save(connection, INDEXED_THROUGH, indexedThrough);
        } catch (SQLException e) {
            LOG.warn("cannot save how far private messages are indexed: {}", e.toString());
        }
    }

    private static final class CatchUpStopped extends RuntimeException {
        CatchUpStopped() {
            super(null, null, false, false);
        }
    }

    // ------------------------------------------------------------------ reads (any thread)

    /** Conversations, newest message first, at most {@code limit}. */
    public List<Conversation> conversations(int limit) {
        List<MessageId> roots = new ArrayList<>();
        try (Connection connection = store.readers().getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT root FROM private_message GROUP BY root ORDER BY MAX(log_seq) DESC LIMIT ?")) {
            query.setInt(1, limit);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) roots.add(MessageId.of(rows.getBytes(1)));
            }
        } catch (SQLException e) {
            throw new StoreException("cannot list private conversations: " + e.getMessage(), e);
        }
        List<Conversation> conversations = new ArrayList<>(roots.size());
        for (MessageId root : roots) conversation(root).ifPresent(conversations::add);
        return conversations;
    }

    /** One conversation with its counts; empty when no private message of it is readable here. */
    public Optional<Conversation> conversation(MessageId root) {
        List<PrivateMessage> messages = messages(root);
        if (messages.isEmpty()) return Optional.empty();
        Set<FeedId> participants = new LinkedHashSet<>();
        int unread = 0;
        for (PrivateMessage message : messages) {
            participants.add(message.stored().message().author());
            participants.addAll(message.recipients());
            if (!message.read()) unread++;
        }
        return Optional.of(new Conversation(root, List.copyOf(participants), messages.get(messages.size() - 1),
                messages.size(), unread));
    }

    /** The readable private messages of a conversation, oldest first. */
    public List<PrivateMessage> messages(MessageId root) {
        return query("SELECT log_seq, root, recipients, unbox_key, is_read FROM private_message WHERE root = ? ORDER BY root, log_seq",
                statement -> statement.setBytes(1, root.bytes()));
    }

    /** A private message by its id, when it is one this identity reads. */
    public Optional<PrivateMessage> get(MessageId key) {
        Optional<StoredMessage> stored = store.get(key);
        if (stored.isEmpty() || !stored.get().message().isEncrypted()) return Optional.empty();
        List<PrivateMessage> found = query("SELECT log_seq, root, recipients, unbox_key, is_read FROM private_message WHERE log_seq = ?",
                statement -> statement.setLong(1, stored.get().logSequence()));
        return found.stream().findFirst();
    }

    /** The recipients of a private conversation (those of its newest message), empty when it is not one. */
    public Optional<List<FeedId>> recipients(MessageId root) {
        List<PrivateMessage> messages = messages(root);
        if (messages.isEmpty()) {
            // a reply's root may be the conversation's first message, which is its own root
            return get(root).map(PrivateMessage::recipients).filter(list -> !list.isEmpty());
        }
        List<FeedId> recipients = messages.get(messages.size() - 1).recipients();
        return recipients.isEmpty() ? Optional.empty() : Optional.of(recipients);
    }

    /** Private messages not yet marked read, in every conversation. */
    public int unreadCount() {
        try (Connection connection = store.readers().getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT COUNT(*) FROM private_message WHERE NOT is_read");
             ResultSet rows = query.executeQuery()) {
            rows.next();
            return rows.getInt(1);
        } catch (SQLException e) {
            throw new StoreException("cannot count unread private messages: " + e.getMessage(), e);
        }
    }

    /** Marks every message of a conversation read; returns how many were unread. */
    public int markRead(MessageId root) {
        try (Connection connection = store.readers().getConnection();
             PreparedStatement update = connection.prepareStatement(
                     "UPDATE private_message SET is_read = TRUE WHERE root = ? AND NOT is_read")) {
            update.setBytes(1, root.bytes());
            return update.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot mark private messages read: " + e.getMessage(), e);
        }
    }

    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private record Row(long logSequence, MessageId root, List<FeedId> recipients, UnboxKey key, boolean read) {
    }

    private List<PrivateMessage> query(String sql, Binder binder) {
        store.checkOpen();
        List<Row> rows = new ArrayList<>();
        try (Connection connection = store.readers().getConnection();
             PreparedStatement query = connection.prepareStatement(sql)) {
            binder.bind(query);
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    String recipients = result.getString(3);
                    rows.add(new Row(result.getLong(1), MessageId.of(result.getBytes(2)),
                            recipients.isEmpty() ? List.of() : Arrays.stream(recipients.split(" ")).map(FeedId::parse).toList(),
                            UnboxKey.fromBytes(result.getBytes(4)).orElseThrow(), result.getBoolean(5)));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read private messages: " + e.getMessage(), e);
        }
        if (rows.isEmpty()) return List.of();
        long[] positions = rows.stream().mapToLong(Row::logSequence).toArray();
        Map<Long, StoredMessage> byPosition = new LinkedHashMap<>();
        for (StoredMessage stored : store.atPositions(positions, positions.length)) byPosition.put(stored.logSequence(), stored);
        List<PrivateMessage> messages = new ArrayList<>(rows.size());
        for (Row row : rows) {
            StoredMessage stored = byPosition.get(row.logSequence());
            if (stored == null) continue;
            PrivateReader.open(stored.message().content(), row.key()).ifPresent(content ->
                    messages.add(new PrivateMessage(stored, content, row.root(), row.recipients(), row.read())));
        }
        return messages;
    }

    // ------------------------------------------------------------------ state and closing

    private static long number(Connection connection, String name) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT num FROM store_state WHERE name = ?")) {
            query.setString(1, name);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getLong(1) : 0;
            }
        }
    }

    private static void save(Connection connection, String name, long value) throws SQLException {
        try (PreparedStatement merge = connection.prepareStatement("MERGE INTO store_state (name, num) KEY (name) VALUES (?, ?)")) {
            merge.setString(1, name);
            merge.setLong(2, value);
            merge.executeUpdate();
        }
    }

    /**
     * Stops indexing: queued messages are still tried, then the watermark is saved, so that the next opening
     * looks again at nothing this one already did. Close it before the store.
     */
    @Override
    public void close() {
        closing = true;
        try {
            subscription.close();
        } catch (Exception e) {
            LOG.warn("closing the private index's subscription: {}", e.toString());
        }
        thread.execute(() -> {
            // every message the store announced was queued (or was no box): the watermark may pass them all
            if (caughtUpToBoundary) indexedThrough = Math.max(indexedThrough, Math.max(boundary, announced.get()));
            saveWatermark();
        });
        thread.shutdown();
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) LOG.warn("the private index did not stop within 10 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
