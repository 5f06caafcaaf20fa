package org.conch.feed.store;

import org.conch.feed.FeedState;
import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.feed.MessageSigner;
import org.conch.feed.SignCap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.conch.feed.store.H2FeedStoreTest.chain;
import static org.conch.feed.store.H2FeedStoreTest.post;
import static org.conch.feed.store.H2FeedStoreTest.seed;

/** fsck: a store is checked from its data alone, damage is reported by feed and sequence, indexes can be rebuilt. */
class StoreCheckTest {
    private static final Identity ALICE = Identity.fromSeed(seed(1));
    private static final Identity BOB = Identity.fromSeed(seed(2));

    @TempDir
    Path dir;

    private List<Message> alices;

    private void fill() {
        alices = chain(ALICE, 5);
        try (H2FeedStore store = H2FeedStore.open(dir)) {
            store.append(alices);
            store.append(chain(BOB, 3));
            Message otherThird = MessageSigner.sign(ALICE, FeedState.of(alices.get(1)), post("another 3"), 1.7e12, SignCap.NONE);
            assertThat(store.append(List.of(otherThird)).count(AppendResult.Status.FORK)).isEqualTo(1);
            Map<String, Object> reply = post("a reply");
            reply.put("root", alices.get(0).key().toString());
            store.publish(BOB, reply, SignCap.NONE);
        }
    }

    private StoreCheck.Report check() {
        List<Long> progress = new ArrayList<>();
        try (H2FeedStore store = H2FeedStore.open(dir)) {
            StoreCheck.Report report = StoreCheck.run(store, SignCap.NONE, progress::add);
            assertThat(progress).as("progress ends with the total").last().isEqualTo(report.messages());
            return report;
        }
    }

    private void sql(String statement, Object... parameters) throws Exception {
        try (Connection connection = DriverManager.getConnection(H2FeedStore.fileUrl(dir), "conch", "");
             PreparedStatement prepared = connection.prepareStatement(statement)) {
            for (int i = 0; i < parameters.length; i++) prepared.setObject(i + 1, parameters[i]);
            prepared.executeUpdate();
        }
    }

    @Test
    void aHealthyStoreHasNoProblemAndItsForksAreCounted() {
        fill();
        StoreCheck.Report report = check();
        assertThat(report.problems()).isEmpty();
        assertThat(report.healthy()).isTrue();
        assertThat(report.feeds()).isEqualTo(2);
        assertThat(report.messages()).isEqualTo(9);
        assertThat(report.forks()).isEqualTo(1);
    }

    private long logOffsetOf(Message message) throws Exception {
        try (Connection connection = DriverManager.getConnection(H2FeedStore.fileUrl(dir), "conch", "");
             PreparedStatement query = connection.prepareStatement("SELECT log_offset FROM message WHERE msg_key = ?")) {
            query.setBytes(1, message.key().bytes());
            try (var rows = query.executeQuery()) {
                assertThat(rows.next()).isTrue();
                return rows.getLong(1);
            }
        }
    }

    private Path segment() {
        return StoreOpening.logDirectory(dir).resolve("00000000000000000000.log");
    }

    /** Rewrites the JSON of the log record at {@code offset} (same length) with a CRC that matches it. */
    private void rewriteRecord(long offset, String from, String to) throws Exception {
        try (FileChannel channel = FileChannel.open(segment(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer frame = ByteBuffer.allocate(MessageLog.FRAME_BYTES);
            channel.read(frame, offset);
            ByteBuffer payload = ByteBuffer.allocate(frame.getInt(0));
            channel.read(payload, offset + MessageLog.FRAME_BYTES);
            String json = new String(payload.array(), MessageLog.PAYLOAD_HEADER_BYTES, payload.capacity() - MessageLog.PAYLOAD_HEADER_BYTES,
                    StandardCharsets.UTF_8);
            byte[] changed = json.replace(from, to).getBytes(StandardCharsets.UTF_8);
            assertThat(changed).hasSize(payload.capacity() - MessageLog.PAYLOAD_HEADER_BYTES);
            System.arraycopy(changed, 0, payload.array(), MessageLog.PAYLOAD_HEADER_BYTES, changed.length);
            CRC32C crc = new CRC32C();
            crc.update(payload.array());
            frame.putInt(4, (int) crc.getValue());
            channel.write(frame.rewind(), offset);
            channel.write(payload.rewind(), offset + MessageLog.FRAME_BYTES);
        }
    }

    @Test
    void aDroppedIndexRowIsReportedAtItsSequenceAndAsAHoleInTheFeed() throws Exception {
        fill();
        sql("DELETE FROM message WHERE msg_key = ?", alices.get(2).key().bytes());
        StoreCheck.Report report = check();
        assertThat(report.problems()).extracting(Object::toString).satisfiesExactly(
                problem -> assertThat(problem).isEqualTo(ALICE.id() + ":3: missing: the next stored message is 4"),
                problem -> assertThat(problem).startsWith(ALICE.id() + ":3: logged at position 3 (offset ").endsWith("but missing from the index"),
                problem -> assertThat(problem).isEqualTo("store: the log counts 9 messages but the feeds hold 8"));
    }

    @Test
    void aMessageWhoseLoggedBytesChangedUnderAGoodCrcNoLongerValidates() throws Exception {
        fill();
        rewriteRecord(logOffsetOf(alices.get(3)), "message 4", "message 5");
        StoreCheck.Report report = check();
        assertThat(report.problemCount()).isEqualTo(1);
        StoreCheck.Problem problem = report.problems().get(0);
        assertThat(problem.feed()).isEqualTo(ALICE.id().toString());
        assertThat(problem.sequence()).isEqualTo(4);
        assertThat(problem.what()).startsWith("does not validate");
    }

    @Test
    void aLogRecordThatFailsItsCrcIsReportedAtItsFeedAndSequence() throws Exception {
        fill();
        long offset = logOffsetOf(alices.get(3));
        try (FileChannel channel = FileChannel.open(segment(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap("X".getBytes(StandardCharsets.UTF_8)), offset + MessageLog.FRAME_BYTES + MessageLog.PAYLOAD_HEADER_BYTES + 5);
        }
        StoreCheck.Report report = check();
        assertThat(report.healthy()).isFalse();
        assertThat(report.problems()).extracting(Object::toString)
                .contains(ALICE.id() + ":4: its log record at offset " + offset + " is damaged: the record's CRC does not match")
                .anySatisfy(problem -> assertThat(problem).startsWith(ALICE.id() + ":4: cannot be read"));
    }

    @Test
    void aDamagedIdIndexIsIndexedAgainWhenTheStoreOpensAndALostThreadIndexIsReportedAndRebuiltFromTheLog() throws Exception {
        fill();
        List<Path> runs;
        try (var files = Files.list(dir.resolve(StoreOpening.ID_DIRECTORY))) {
            runs = files.toList();
        }
        assertThat(runs).as("one run of the 9 ids, written when the store closed").hasSize(1);
        Path run = runs.get(0);
        byte[] bytes = Files.readAllBytes(run);
        bytes[20] ^= 1; // an entry's prefix: the CRC no longer matches
        Files.write(run, bytes);
        sql("DELETE FROM reply");
        StoreCheck.Report broken = check();
        assertThat(broken.problems()).as("every id is found: the damaged run was dropped and its ids indexed again")
                .singleElement().satisfies(problem -> {
                    assertThat(problem.what()).startsWith("a reply to " + alices.get(0).key());
                    assertThat(problem.feed()).isEqualTo(BOB.id().toString());
                });

        StoreRepair.Result repaired = StoreRepair.rebuildIndexes(dir, read -> { });
        assertThat(repaired.messagesRead()).isEqualTo(9);
        assertThat(repaired.repliesIndexed()).isEqualTo(1);
        assertThat(check().problems()).isEmpty();
        try (H2FeedStore store = H2FeedStore.open(dir)) {
            assertThat(store.thread(alices.get(0).key(), 10)).as("the thread index is back").hasSize(1);
            assertThat(store.forks(ALICE.id())).as("forks are data, kept by the repair").hasSize(1);
        }
    }

    @Test
    void aDroppedNewestIndexRowIsReportedAndTheRepairPutsItBack() throws Exception {
        fill();
        // the newest message of Bob's feed gone from the index: the log still holds it
        sql("DELETE FROM message WHERE log_seq = (SELECT MAX(log_seq) FROM message)");
        StoreCheck.Report report = check();
        assertThat(report.problems()).extracting(Object::toString).satisfiesExactly(
                problem -> assertThat(problem).startsWith(BOB.id() + ":4: logged at position 9 (offset "),
                problem -> assertThat(problem).isEqualTo("store: the log counts 9 messages but the feeds hold 8"));

        StoreRepair.rebuildIndexes(dir, read -> { });
        StoreCheck.Report repaired = check();
        assertThat(repaired.problems()).isEmpty();
        assertThat(repaired.messages()).isEqualTo(9);
    }

    @Test
    void logRecordsTheIndexesMarkedCoveredWithoutIndexingThemAreReportedAndTheRepairIndexesThem() throws Exception {
        fill();
        // what a body move run again over a log that already held newer records left behind, before it was fixed
        sql("DELETE FROM reply");
        sql("DELETE FROM message");
        sql("UPDATE store_state SET num = 0 WHERE name = 'indexed_through'");
        StoreCheck.Report report = check();
        assertThat(report.problems()).extracting(Object::toString)
                .anySatisfy(problem -> assertThat(problem).isEqualTo("store: 9 log records from offset 0 on lie before the end the "
                        + "indexes record (offset " + logEnd() + ") but past their last position (0): the indexes skipped them; "
                        + "conch fsck --repair rebuilds the indexes from the log"));

        StoreRepair.rebuildIndexes(dir, read -> { });
        StoreCheck.Report repaired = check();
        assertThat(repaired.problems()).isEmpty();
        assertThat(repaired.messages()).isEqualTo(9);
    }

    private long logEnd() throws Exception {
        try (MessageLog log = MessageLog.open(StoreOpening.logDirectory(dir), MessageLog.DEFAULT_SEGMENT_BYTES)) {
            return log.end();
        }
    }
}
