package org.conch.feed.store;

import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.feed.MessageId;
import org.conch.feed.SignCap;
import org.conch.feed.testing.Messages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.conch.feed.store.H2FeedStoreTest.seed;

/**
 * The indexes are written off the append path, behind a watermark: every read sees every acknowledged
 * append before and after its index rows are written, and indexes lost in a crash come back from the log.
 */
class H2FeedStoreIndexingTest {
    private static final Identity ALICE = Identity.fromSeed(seed(1));
    private static final Identity BOB = Identity.fromSeed(seed(2));

    @TempDir
    Path dir;

    /** Alice's root post, then Bob's replies to it, each a message of its own. */
    private static final class Thread {
        Message root;
        final List<Message> replies = new ArrayList<>();
        final List<Message> all = new ArrayList<>();
    }

    private static void replies(H2FeedStore store, Thread thread, int count) {
        for (int i = 0; i < count; i++) {
            Map<String, Object> reply = Messages.post("reply " + thread.replies.size());
            reply.put("root", thread.root.key().toString());
            Message message = store.publish(BOB, reply, SignCap.NONE);
            thread.replies.add(message);
            thread.all.add(message);
        }
    }

    @Test
    void everyReadSeesEveryAppendWhetherItsIndexRowsAreWrittenOrNot() {
        List<Runnable> indexThread = new ArrayList<>();
        Thread thread = new Thread();
        StoreOptions options = StoreOptions.at(dir).withBatches(4, 10).withIndexExecutor(indexThread::add);
        try (H2FeedStore store = H2FeedStore.open(options)) {
            thread.root = store.publish(ALICE, Messages.post("root"), SignCap.NONE);
            thread.all.add(thread.root);
            replies(store, thread, 5); // a batch is due, and waits for the index thread
            assertThat(indexThread).hasSize(1);
            indexThread.remove(0).run(); // positions 1-6 now in H2
            replies(store, thread, 3); // 7-9 only in memory
            assertThat(store.indexes().indexedThrough()).isEqualTo(6);
            assertThat(store.indexes().view(entry -> true).pending()).hasSize(3);

            assertEverythingReadable(store, thread);
        }
        try (H2FeedStore store = H2FeedStore.open(options)) {
            assertEverythingReadable(store, thread);
        }
    }

    private static void assertEverythingReadable(H2FeedStore store, Thread thread) {
        assertThat(store.messageCount()).isEqualTo(9);
        List<Message> bobs = new ArrayList<>();
        store.forEachInFeed(BOB.id(), 1, 0, stored -> bobs.add(stored.message()));
        assertThat(bobs).extracting(Message::key).containsExactlyElementsOf(thread.replies.stream().map(Message::key).toList());
        List<Long> fromFourth = new ArrayList<>();
        store.forEachInFeed(BOB.id(), 4, 3, stored -> fromFourth.add(stored.message().sequence()));
        assertThat(fromFourth).containsExactly(4L, 5L, 6L);
        for (Message message : thread.all) {
            assertThat(store.get(message.key())).as("seq %d", message.sequence())
                    .hasValueSatisfying(stored -> assertThat(stored.message().compactJson()).isEqualTo(message.compactJson()));
        }
        List<MessageId> log = new ArrayList<>();
        store.forEachInLog(1, stored -> log.add(stored.message().key()));
        assertThat(log).containsExactlyElementsOf(thread.all.stream().map(Message::key).toList());
        List<Long> tail = new ArrayList<>();
        store.forEachInLog(5, stored -> tail.add(stored.logSequence()));
        assertThat(tail).containsExactly(5L, 6L, 7L, 8L, 9L);
        assertThat(store.thread(thread.root.key(), 100)).extracting(StoredMessage::message).extracting(Message::key)
                .containsExactlyElementsOf(thread.replies.stream().map(Message::key).toList());
        Timelines.Page first = store.replies(thread.root.key(), 0, 5);
        Timelines.Page second = store.replies(thread.root.key(), first.next(), 5);
        assertThat(first.messages()).hasSize(5);
        assertThat(second.messages()).extracting(StoredMessage::logSequence).containsExactly(7L, 8L, 9L);
        assertThat(store.byType("post", 4)).extracting(StoredMessage::logSequence).containsExactly(9L, 8L, 7L, 6L);
        assertThat(store.publicTimeline(Timelines.Kind.ALL, Timelines.NEWEST, 9).messages()).hasSize(9);
        assertThat(store.homeTimeline(Set.of(ALICE.id(), BOB.id()), Timelines.Kind.POSTS, Timelines.NEWEST, 20).messages())
                .extracting(StoredMessage::logSequence).containsExactly(9L, 8L, 7L, 6L, 5L, 4L, 3L, 2L, 1L);
    }

    @Test
    void messagesAreReadAcrossLogSegmentsBeforeAndAfterReopening() {
        Thread thread = new Thread();
        StoreOptions options = StoreOptions.at(dir).withSegmentBytes(2_000); // about three messages a segment
        try (H2FeedStore store = H2FeedStore.open(options)) {
            thread.root = store.publish(ALICE, Messages.post("root"), SignCap.NONE);
            thread.all.add(thread.root);
            replies(store, thread, 8);
            assertThat(store.log().segmentFiles()).hasSizeGreaterThan(2);
            assertEverythingReadable(store, thread);
        }
        try (H2FeedStore store = H2FeedStore.open(options)) {
            assertEverythingReadable(store, thread);
        }
    }

    @Test
    void indexRowsACrashLostAreWrittenAgainFromTheLogWhenTheStoreOpens() throws Exception {
        Thread thread = storedThread();
        // As a crash leaves it: the rows of positions 4-9 never reached H2, the log has them.
        try (Connection connection = DriverManager.getConnection(H2FeedStore.fileUrl(dir), "conch", "")) {
            update(connection, "DELETE FROM reply WHERE log_seq > 3");
            watermarkAtThree(connection);
            update(connection, "DELETE FROM message WHERE log_seq > 3");
        }
        // and no id run was written: the ids are in memory until a batch of them is due
        try (var runs = java.nio.file.Files.list(dir.resolve(StoreOpening.ID_DIRECTORY))) {
            for (Path run : runs.toList()) java.nio.file.Files.delete(run);
        }
        try (H2FeedStore store = H2FeedStore.open(dir)) {
            assertThat(store.indexes().view(entry -> true).pending()).as("caught up before the store is used").isEmpty();
            assertThat(store.idIndex().indexedThrough()).as("ids indexed again from the rows").isEqualTo(9);
            assertThat(store.state(BOB.id())).hasValueSatisfying(state -> assertThat(state.sequence()).isEqualTo(8));
            assertEverythingReadableAfterCatchUp(store, thread);
            assertThat(StoreCheck.run(store, SignCap.NONE, count -> { }).problems()).isEmpty();
            assertThat(store.publish(BOB, Messages.post("next"), SignCap.NONE).sequence()).isEqualTo(9);
        }
    }

    @Test
    void indexRowsPastTheWatermarkAreWrittenAgainFromTheLogWhenTheStoreOpens() throws Exception {
        Thread thread = storedThread();
        // As IdIndexCrashIT once found a store after a kill: the rows of positions 4-9 are in H2, but the watermark
        // says only 1-3 are indexed, so the catch-up writes 4-9 again.
        try (Connection connection = DriverManager.getConnection(H2FeedStore.fileUrl(dir), "conch", "")) {
            watermarkAtThree(connection);
        }
        try (H2FeedStore store = H2FeedStore.open(dir)) {
            assertEverythingReadableAfterCatchUp(store, thread);
            assertThat(StoreCheck.run(store, SignCap.NONE, count -> { }).problems()).isEmpty();
            assertThat(store.publish(BOB, Messages.post("next"), SignCap.NONE).sequence()).isEqualTo(9);
        }
    }

    /** A root by Alice and 8 replies by Bob (log positions 1-9), stored and the store closed. */
    private Thread storedThread() {
        Thread thread = new Thread();
        try (H2FeedStore store = H2FeedStore.open(dir)) {
            thread.root = store.publish(ALICE, Messages.post("root"), SignCap.NONE);
            thread.all.add(thread.root);
            replies(store, thread, 8);
        }
        return thread;
    }

    /** The watermarks as if only positions 1-3 were indexed. */
    private static void watermarkAtThree(Connection connection) throws Exception {
        long endOfThird = number(connection, "SELECT log_offset FROM message WHERE log_seq = 4");
        update(connection, "UPDATE store_state SET num = 3 WHERE name = 'indexed_through'");
        update(connection, "UPDATE store_state SET num = " + endOfThird + " WHERE name = 'indexed_log_end'");
    }

    private static void assertEverythingReadableAfterCatchUp(H2FeedStore store, Thread thread) {
        assertThat(store.messageCount()).isEqualTo(9);
        for (Message message : thread.all) assertThat(store.get(message.key())).as("seq %d", message.sequence()).isPresent();
        assertThat(store.thread(thread.root.key(), 100)).hasSize(8);
    }

    private static long number(Connection connection, String sql) throws Exception {
        try (PreparedStatement query = connection.prepareStatement(sql); ResultSet rows = query.executeQuery()) {
            assertThat(rows.next()).isTrue();
            return rows.getLong(1);
        }
    }

    private static void update(Connection connection, String sql) throws Exception {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.executeUpdate();
        }
    }
}
