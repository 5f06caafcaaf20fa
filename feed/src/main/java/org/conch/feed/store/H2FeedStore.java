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
import org.h2.jdbcx.JdbcConnectionPool;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The feed store: message bodies in an append-only {@link MessageLog}, indexes into it in embedded H2.
 * One writer at a time (appends are serialised by a lock); an append checks each message's chain against
 * the feeds' heads held in memory, writes the batch to the log in one write and syncs it, and is then
 * acknowledged. The H2 rows of the batch are written later, in large batches, by the {@link IndexWriter}'s
 * thread; until then the entries are held in memory and every read here consults them too (an overlay,
 * rather than reads waiting for the index thread: a read never waits for a batch). Readers use their own
 * connections and never wait for the writer.
 *
 * <p>When the store opens, whatever the log holds past the index watermark (a crash before a batch) is
 * indexed before anything else happens, and the heads of the feeds are read from the indexes.
 */
public final class H2FeedStore implements FeedStore, Timelines {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(H2FeedStore.class);
    /** Rows fetched per query when walking a feed, so that no walk holds a feed in memory. */
    private static final int PAGE_SIZE = 1_000;
    /** Opening says how it goes, every this many ids, when it indexes many at once. */
    private static final int ID_PROGRESS_EVERY = 100_000;
    /** Below this share of live data in the file, closing rewrites the file compactly. */
    private static final int COMPACT_BELOW_FILL_PERCENT = 60;

    /*
     * The paged queries. Each ORDER BY names every leading column of the index it walks, even the ones
     * the WHERE clause fixes: only then does H2 read the index in order and stop after LIMIT rows;
     * ordered by the last column alone it reads every remaining row of the range and sorts them, which
     * made paging through a long feed quadratic.
     */
    /** A page of one feed's messages from a sequence on: author id, first sequence, page size. */
    static final String FEED_PAGE = "SELECT log_seq, log_offset, seq FROM message "
            + "WHERE author_id = ? AND seq >= ? ORDER BY author_id, seq LIMIT ?";
    /** A thread's messages after a log position (0: from its start), in receive order: root, position, page size. */
    static final String REPLIES_PAGE = "SELECT r.log_seq, m.log_offset FROM reply r "
            + "JOIN message m ON m.log_seq = r.log_seq WHERE r.root = ? AND r.log_seq > ? ORDER BY r.root, r.log_seq LIMIT ?";
    /** The receive time of the newest message (see {@code loadHeads}). */
    static final String LAST_RECEIVED = "SELECT received_ts FROM message ORDER BY log_seq DESC LIMIT 1";
    /** The newest messages of a type up to a log position: type, position, page size. */
    static final String NEWEST_OF_TYPE = "SELECT log_seq, log_offset FROM message WHERE msg_type = ? AND log_seq <= ? "
            + "ORDER BY msg_type DESC, log_seq DESC LIMIT ?";

    private final Path directory;
    private final JdbcConnectionPool readers;
    private final Connection writer;
    private final MessageLog log;
    /** The log's directory to delete on close (in-memory stores), or null. */
    private final Path temporaryLog;
    private final IndexWriter indexes;
    private final IdIndex ids;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Map<FeedId, FeedHead> heads = new ConcurrentHashMap<>();
    // Written only by the lock holder.
    /** Volatile so that counting messages never waits for an append (the HTTP health check asks on an event loop). */
    private volatile long nextLogSequence;
    private int nextAuthorId;
    private double lastReceivedAt;
    private final Map<FeedId, Double> lastPublishedTimestamp = new HashMap<>();
    private final List<Consumer<StoredMessage>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private final TimelineReads timelines;

    /** The latest message of a feed and the author's surrogate id. */
    record FeedHead(int authorId, long sequence, MessageId latest) {
        FeedState state() {
            return sequence == 0 ? null : new FeedState(latest, sequence);
        }
    }

    private H2FeedStore(Path directory, StoreOpening.Opened opened, Connection writer, Connection indexConnection,
                        IdIndex ids, long indexedThrough, StoreOptions options) {
        this.directory = directory;
        this.readers = opened.pool();
        this.log = opened.log();
        this.temporaryLog = opened.temporary();
        this.writer = writer;
        this.ids = ids;
        this.indexes = new IndexWriter(indexConnection, ids, indexedThrough, options.indexBatch(), options.keyIndexBatch(),
                options.indexExecutor());
        this.timelines = new TimelineReads(this);
    }

    /** Opens (creating and migrating as needed) the store in {@code directory}, with the default options. */
    public static H2FeedStore open(Path directory) {
        return open(StoreOptions.at(directory));
    }

    public static H2FeedStore open(StoreOptions options) {
        StoreOpening.Opened opened = StoreOpening.open(options);
        try {
            Connection writer = opened.pool().getConnection();
            writer.setAutoCommit(false);
            Connection indexConnection = opened.pool().getConnection();
            indexConnection.setAutoCommit(false);
            long indexedThrough = IndexCatchUp.run(writer, opened.log(), options);
            IdIndex ids = IdIndex.open(opened.idDirectory());
            indexIdsFromRows(writer, ids, indexedThrough, options.keyIndexBatch());
            H2FeedStore store = new H2FeedStore(options.directory(), opened, writer, indexConnection, ids, indexedThrough, options);
            store.loadHeads(indexedThrough);
            return store;
        } catch (SQLException | RuntimeException e) {
            opened.pool().dispose();
            opened.log().close();
            StoreOpening.deleteQuietly(opened.temporary());
            if (e instanceof StoreException store) throw store;
            throw new StoreException("cannot open the store in " + options.directory() + ": " + e.getMessage(), e);
        }
    }

    /** The JDBC URL of the file-backed store in {@code directory}. */
    static String fileUrl(Path directory) {
        return StoreOpening.fileUrl(directory);
    }

    /**
     * Puts the ids of the indexed rows the id index does not reach yet (after a crash, a repair, or a store
     * from before the index) into it, in runs of {@code batch}, with a line on stderr when there are many.
     */
    private static void indexIdsFromRows(Connection connection, IdIndex ids, long indexedThrough, int batch) throws SQLException {
        long from = ids.indexedThrough() + 1;
        if (from > indexedThrough) return;
        long total = indexedThrough - from + 1;
        if (total >= ID_PROGRESS_EVERY) System.err.printf("conch: indexing the ids of %,d messages%n", total);
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT log_seq, msg_key FROM message WHERE log_seq >= ? AND log_seq <= ? ORDER BY log_seq")) {
            query.setFetchSize(1_000);
            query.setLong(1, from);
            query.setLong(2, indexedThrough);
            List<IdIndex.IdPosition> run = new ArrayList<>();
            long done = 0;
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    run.add(new IdIndex.IdPosition(IndexWriter.prefixOf(rows.getBytes(2)), rows.getLong(1)));
                    if (run.size() == batch) {
                        ids.add(run, run.get(run.size() - 1).position());
                        done += run.size();
                        run.clear();
                        if (total >= ID_PROGRESS_EVERY && done % ID_PROGRESS_EVERY < batch) {
                            System.err.printf("conch: %,d of %,d ids indexed%n", done, total);
                        }
                    }
                }
            }
            ids.add(run, indexedThrough);
            connection.commit();
        }
    }

    private void loadHeads(long indexedThrough) throws SQLException {
        // Every log entry is indexed by now: the log's last position is the watermark.
        nextLogSequence = indexedThrough + 1;
        try (Statement statement = writer.createStatement()) {
            // Receive times never decrease along the log (each append takes the later of now and the last),
            // so the newest row holds the largest: read by the primary key, where MAX(received_ts) read
            // every row (0.6 s at each start with 100,000 messages).
            try (ResultSet rows = statement.executeQuery(LAST_RECEIVED)) {
                lastReceivedAt = rows.next() ? rows.getDouble(1) : 0;
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
                    indexes.authorIndexed(rows.getInt(1));
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

    /** A message that conflicts with its feed, to be kept as proof. */
    private record ForkToRecord(int authorId, FeedId author, Message message, String reason) {
    }

    private AppendResult appendLocked(List<Message> messages) {
        // Changes to the in-memory state are staged here and applied only once the batch is durable.
        Map<FeedId, FeedHead> staged = new HashMap<>();
        // author id << 32 | sequence -> key, for the messages of this batch not yet logged
        Map<Long, MessageId> keysInBatch = new HashMap<>();
        List<Outcome> outcomes = new ArrayList<>(messages.size());
        List<MessageLog.Entry> logged = new ArrayList<>();
        List<Integer> loggedAuthors = new ArrayList<>();
        List<ForkToRecord> forks = new ArrayList<>();
        long logSequence = nextLogSequence;
        int authorId = nextAuthorId;
        double receivedAt = Math.max(System.currentTimeMillis(), lastReceivedAt);
        try {
            for (Message message : messages) {
                FeedHead head = staged.containsKey(message.author()) ? staged.get(message.author()) : heads.get(message.author());
                if (head == null) {
                    head = new FeedHead(authorId++, 0, null);
                    staged.put(message.author(), head);
                }
                if (message.sequence() <= head.sequence()) {
                    MessageId stored = keyAt(head.authorId(), message.sequence(), keysInBatch);
                    if (message.key().equals(stored)) {
                        outcomes.add(new Outcome(message, Status.DUPLICATE, null));
                    } else {
                        String reason = "a different message " + stored + " is stored at " + message.author() + ":" + message.sequence();
                        forks.add(new ForkToRecord(head.authorId(), message.author(), message, reason));
                        outcomes.add(new Outcome(message, Status.FORK, reason));
                    }
                    continue;
                }
                try {
                    MessageValidator.checkChain(head.state(), message);
                } catch (InvalidMessageException e) {
                    if (e.isFork()) {
                        forks.add(new ForkToRecord(head.authorId(), message.author(), message, e.getMessage()));
                        outcomes.add(new Outcome(message, Status.FORK, e.getMessage()));
                    } else {
                        outcomes.add(new Outcome(message, Status.REFUSED, e.getMessage()));
                    }
                    continue;
                }
                logged.add(MessageLog.Entry.of(logSequence++, receivedAt, message));
                loggedAuthors.add(head.authorId());
                keysInBatch.put(slot(head.authorId(), message.sequence()), message.key());
                staged.put(message.author(), new FeedHead(head.authorId(), message.sequence(), message.key()));
                outcomes.add(new Outcome(message, Status.STORED, null));
            }
            if (!forks.isEmpty()) recordForks(forks, receivedAt);
        } catch (SQLException | RuntimeException e) {
            IndexWriter.rollbackQuietly(writer);
            throw new StoreException("append of " + messages.size() + " messages failed and was rolled back: " + e.getMessage(), e);
        }
        long[] offsets = log.append(logged); // durable from here on
        List<IndexWriter.Entry> entries = new ArrayList<>(logged.size());
        List<StoredMessage> appended = new ArrayList<>(logged.size());
        int next = 0;
        for (Outcome outcome : outcomes) {
            if (outcome.status() != Status.STORED) continue;
            MessageLog.Entry entry = logged.get(next);
            long end = next + 1 < offsets.length ? offsets[next + 1] : log.end();
            entries.add(IndexWriter.Entry.of(entry.logSequence(), offsets[next], end, loggedAuthors.get(next), outcome.message(), receivedAt));
            appended.add(new StoredMessage(entry.logSequence(), outcome.message(), receivedAt));
            next++;
        }
        // The overlay first: a reader that sees a feed's new head must find its messages too.
        indexes.add(entries);
        heads.putAll(staged);
        timelines.appended(appended);
        nextLogSequence = logSequence;
        nextAuthorId = authorId;
        lastReceivedAt = receivedAt;
        if (!listeners.isEmpty()) {
            for (StoredMessage message : appended) tellListeners(message);
        }
        return new AppendResult(outcomes);
    }

    private void tellListeners(StoredMessage message) {
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

    private static long slot(int authorId, long sequence) {
        return ((long) authorId << 32) | sequence;
    }

    /** The id stored at author:sequence: in this batch, among the entries not yet indexed, or in H2. */
    private MessageId keyAt(int authorId, long sequence, Map<Long, MessageId> keysInBatch) throws SQLException {
        MessageId inBatch = keysInBatch.get(slot(authorId, sequence));
        if (inBatch != null) return inBatch;
        // Looked for in memory first: an entry leaves it only once its row is committed.
        IndexWriter.Entry pending = indexes.pendingAt(authorId, sequence);
        if (pending != null) return pending.key();
        try (PreparedStatement query = writer.prepareStatement("SELECT msg_key FROM message WHERE author_id = ? AND seq = ?")) {
            query.setInt(1, authorId);
            query.setLong(2, sequence);
            try (ResultSet rows = query.executeQuery()) {
                MessageId key = rows.next() ? MessageId.of(rows.getBytes(1)) : null;
                writer.commit();
                return key;
            }
        }
    }

    /** Forks are rare: they go to H2 on the append path, synced, with their author's row if it is new there. */
    private void recordForks(List<ForkToRecord> forks, double receivedAt) throws SQLException {
        try (PreparedStatement author = writer.prepareStatement("MERGE INTO author (id, feed_key) KEY (id) VALUES (?, ?)");
             PreparedStatement merge = writer.prepareStatement(
                     "MERGE INTO fork (msg_key, author_id, seq, reason, received_ts, body) KEY (msg_key) VALUES (?, ?, ?, ?, ?, ?)")) {
            for (ForkToRecord fork : forks) {
                author.setInt(1, fork.authorId());
                author.setBytes(2, fork.author().bytes());
                author.executeUpdate();
                Message message = fork.message();
                String reason = fork.reason();
                merge.setBytes(1, message.key().bytes());
                merge.setInt(2, fork.authorId());
                merge.setLong(3, message.sequence());
                merge.setString(4, reason.length() > 1000 ? reason.substring(0, 1000) : reason);
                merge.setDouble(5, receivedAt);
                merge.setBytes(6, message.compactUtf8());
                merge.executeUpdate();
            }
        }
        writer.commit();
        try (Statement statement = writer.createStatement()) {
            statement.execute("CHECKPOINT SYNC");
        }
        for (ForkToRecord fork : forks) indexes.authorIndexed(fork.authorId());
    }

    @Override
    public Message publish(Identity identity, Object content, SignCap cap) {
        return publish(identity, List.of(content), cap).get(0);
    }

    /** Signs and appends several messages of one feed in one durable batch. */
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
        checkOpen();
        Long pending = indexes.unindexedKey(key);
        if (pending != null) return atPosition(pending);
        // Usually one position; more only when another id shares the first 8 bytes.
        for (long position : ids.positionsOf(IndexWriter.prefixOf(key.bytes()))) {
            Optional<StoredMessage> candidate = atPosition(position);
            if (candidate.isPresent() && candidate.get().message().key().equals(key)) return candidate;
        }
        return Optional.empty();
    }

    IdIndex idIndex() {
        return ids;
    }

    /** The message at a log position, wherever its index entry is. */
    Optional<StoredMessage> atPosition(long logSequence) {
        return offsetOf(logSequence).map(this::read);
    }

    /** Where the message at a log position starts in the log, wherever its index entry is. */
    private Optional<Long> offsetOf(long logSequence) {
        // Memory first: an entry leaves it only once its row is committed.
        IndexWriter.Entry pending = indexes.pendingAt(logSequence);
        if (pending != null) return Optional.of(pending.offset());
        return offsets("SELECT log_seq, log_offset FROM message WHERE log_seq = ?", statement -> statement.setLong(1, logSequence))
                .stream().findFirst().map(row -> row[1]);
    }

    StoredMessage read(long offset) {
        return log.read(offset).stored();
    }

    @Override
    public void forEachInFeed(FeedId feed, long fromSequence, long limit, Consumer<StoredMessage> action) {
        FeedHead head = heads.get(feed);
        if (head == null) return;
        long next = Math.max(1, fromSequence);
        IndexWriter.View view = indexes.feedView(head.authorId(), next, head.sequence());
        long remaining = limit <= 0 ? Long.MAX_VALUE : limit;
        boolean indexedPart = true;
        while (remaining > 0 && indexedPart) {
            long from = next;
            int page = (int) Math.min(PAGE_SIZE, remaining);
            List<long[]> rows = offsets(FEED_PAGE, statement -> {
                statement.setInt(1, head.authorId());
                statement.setLong(2, from);
                statement.setInt(3, page);
            });
            for (long[] row : rows) {
                // Rows past the view's watermark were written since: the view holds them.
                if (row[0] > view.indexedThrough()) {
                    indexedPart = false;
                    break;
                }
                action.accept(read(row[1]));
                remaining--;
                next = row[2] + 1;
            }
            if (rows.size() < page) indexedPart = false;
        }
        for (IndexWriter.Entry entry : view.pending()) {
            if (remaining <= 0) return;
            if (entry.sequence() >= next) {
                action.accept(read(entry.offset()));
                remaining--;
            }
        }
    }

    @Override
    public void forEachInLog(long fromLogSequence, Consumer<StoredMessage> action) {
        checkOpen();
        long from = Math.max(1, fromLogSequence);
        if (from >= nextLogSequence) return;
        long offset = from == 1 ? 0 : offsetOf(from).orElseThrow(() ->
                new StoreException("log position " + from + " has no index entry; run conch fsck"));
        log.scan(offset, (at, entry) -> action.accept(entry.stored()));
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
        return repliesAfter(root, 0, limit); // log positions start at 1
    }

    /** The messages of a thread after a log position, oldest first, at most {@code count}. */
    List<StoredMessage> repliesAfter(MessageId root, long after, int count) {
        IndexWriter.View view = indexes.view(entry -> entry.logSequence() > after && root.equals(entry.root()));
        List<StoredMessage> result = new ArrayList<>();
        for (long[] row : offsets(REPLIES_PAGE, statement -> {
            statement.setBytes(1, root.bytes());
            statement.setLong(2, after);
            statement.setInt(3, count);
        })) {
            if (row[0] > view.indexedThrough()) break; // written since the view: it holds them
            result.add(read(row[1]));
        }
        for (IndexWriter.Entry entry : view.pending()) {
            if (result.size() >= count) break;
            result.add(read(entry.offset()));
        }
        return result;
    }

    @Override
    public List<StoredMessage> byType(String type, int limit) {
        IndexWriter.View view = indexes.view(entry -> type.equals(entry.type()));
        List<StoredMessage> result = new ArrayList<>();
        List<IndexWriter.Entry> pending = view.pending();
        for (int i = pending.size() - 1; i >= 0; i--) { // newest first
            if (result.size() >= limit) return result;
            result.add(read(pending.get(i).offset()));
        }
        int rest = limit - result.size();
        for (long[] row : offsets(NEWEST_OF_TYPE, statement -> {
            statement.setString(1, type);
            statement.setLong(2, view.indexedThrough());
            statement.setInt(3, rest);
        })) {
            result.add(read(row[1]));
        }
        return result;
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
        return timelines.publicTimeline(kind, before, limit);
    }

    @Override
    public Page homeTimeline(Set<FeedId> feeds, Kind kind, long before, int limit) {
        return timelines.homeTimeline(feeds, kind, before, limit);
    }

    @Override
    public Page profile(FeedId feed, Kind kind, long before, int limit) {
        return homeTimeline(Set.of(feed), kind, before, limit);
    }

    @Override
    public Page replies(MessageId root, long after, int limit) {
        int pageSize = Timelines.clampLimit(limit);
        List<StoredMessage> rows = repliesAfter(root, after, pageSize + 1);
        if (rows.size() <= pageSize) return new Page(rows, 0);
        List<StoredMessage> page = rows.subList(0, pageSize);
        return new Page(page, page.get(pageSize - 1).logSequence());
    }

    @Override
    public About about(FeedId feed) {
        return timelines.about(feed);
    }

    @Override
    public Map<FeedId, About> abouts(Collection<FeedId> feeds) {
        return timelines.abouts(feeds);
    }

    // What TimelineReads needs of the store.

    long nextLogSequence() {
        return nextLogSequence;
    }

    IndexWriter indexes() {
        return indexes;
    }

    ReentrantLock writeLock() {
        return writeLock;
    }

    Map<Integer, FeedId> feedsById() {
        Map<Integer, FeedId> feedsById = new HashMap<>();
        heads.forEach((feed, head) -> feedsById.put(head.authorId(), feed));
        return feedsById;
    }

    /** The messages at these log positions, in the order given. */
    List<StoredMessage> atPositions(long[] positions, int count) {
        Map<Long, Long> offsetByPosition = new HashMap<>();
        List<Long> inH2 = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            IndexWriter.Entry pending = indexes.pendingAt(positions[i]);
            if (pending != null) offsetByPosition.put(positions[i], pending.offset());
            else inH2.add(positions[i]);
        }
        if (!inH2.isEmpty()) {
            StringBuilder sql = new StringBuilder("SELECT log_seq, log_offset FROM message WHERE log_seq IN (");
            for (int i = 0; i < inH2.size(); i++) sql.append(i == 0 ? "?" : ",?");
            sql.append(")");
            for (long[] row : offsets(sql.toString(), statement -> {
                for (int i = 0; i < inH2.size(); i++) statement.setLong(i + 1, inH2.get(i));
            })) {
                offsetByPosition.put(row[0], row[1]);
            }
        }
        List<StoredMessage> messages = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Long offset = offsetByPosition.get(positions[i]);
            if (offset != null) messages.add(read(offset));
        }
        return messages;
    }

    /** Where the database files are. */
    public Path directory() {
        return directory;
    }

    /** The log, for fsck. */
    MessageLog log() {
        return log;
    }

    JdbcConnectionPool readers() {
        return readers;
    }

    interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    /** Rows of numbers (log_seq, log_offset, ...) of a query. */
    List<long[]> offsets(String sql, Binder binder) {
        checkOpen();
        List<long[]> result = new ArrayList<>();
        try (Connection connection = readers.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            try (ResultSet rows = statement.executeQuery()) {
                int columns = rows.getMetaData().getColumnCount();
                while (rows.next()) {
                    long[] row = new long[columns];
                    for (int i = 0; i < columns; i++) row[i] = rows.getLong(i + 1);
                    result.add(row);
                }
            }
        } catch (SQLException e) {
            throw new StoreException("store query failed: " + e.getMessage(), e);
        }
        return result;
    }

    void checkOpen() {
        if (closed) throw new StoreException("the store in " + directory + " is closed");
    }

    /**
     * H2 never overwrites a page: it writes a new version and frees the old chunk only once all of it
     * is garbage. Heavy indexing leaves most of the file garbage; rewriting it whole at close is far
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
            try (Statement statement = writer.createStatement()) {
                indexes.close(); // waits for a batch being written and writes the rest
                statement.execute(mostlyGarbage(statement) ? "SHUTDOWN COMPACT" : "SHUTDOWN");
            } catch (SQLException e) {
                throw new StoreException("closing the store failed: " + e.getMessage(), e);
            } finally {
                readers.dispose();
                log.close();
                StoreOpening.deleteQuietly(temporaryLog);
            }
        } finally {
            writeLock.unlock();
        }
    }
}
