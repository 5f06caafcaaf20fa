package org.conch.feed.store;

import org.conch.feed.FeedState;
import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.feed.MessageSigner;
import org.conch.feed.SignCap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

    @Test
    void aMissingMessageIsReportedAtItsSequenceOnceAndAsAHoleInTheLog() throws Exception {
        fill();
        sql("DELETE FROM message WHERE msg_key = ?", alices.get(2).key().bytes());
        StoreCheck.Report report = check();
        assertThat(report.problems()).extracting(Object::toString)
                .containsExactly(ALICE.id() + ":3: missing: the next stored message is 4",
                        "store: the log counts 9 messages but the feeds hold 8");
    }

    @Test
    void aMessageWhoseStoredBytesChangedNoLongerValidates() throws Exception {
        fill();
        String tampered = alices.get(3).compactJson().replace("message 4", "message 4!");
        sql("UPDATE message SET body = ? WHERE msg_key = ?", tampered.getBytes(StandardCharsets.UTF_8), alices.get(3).key().bytes());
        StoreCheck.Report report = check();
        assertThat(report.problemCount()).isEqualTo(1);
        StoreCheck.Problem problem = report.problems().get(0);
        assertThat(problem.feed()).isEqualTo(ALICE.id().toString());
        assertThat(problem.sequence()).isEqualTo(4);
        assertThat(problem.what()).startsWith("does not validate");
    }

    @Test
    void aLostIdIndexIsReportedAndRebuiltFromTheLog() throws Exception {
        fill();
        sql("DELETE FROM message_key");
        sql("UPDATE store_state SET num = 1000 WHERE name = 'keys_indexed_through'"); // claims every id is indexed
        sql("DELETE FROM reply");
        StoreCheck.Report broken = check();
        assertThat(broken.problemCount()).isEqualTo(9);
        assertThat(broken.problems()).allSatisfy(problem -> assertThat(problem.what()).startsWith("not found by its id"));

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
    void theFeedsHeadDisagreeingWithTheFeedIsReported() throws Exception {
        fill();
        // the newest message of Bob's feed gone from the log, as a torn write could leave it
        try (Connection connection = DriverManager.getConnection(H2FeedStore.fileUrl(dir), "conch", "");
             Statement statement = connection.createStatement()) {
            statement.execute("DELETE FROM message WHERE log_seq = (SELECT MAX(log_seq) FROM message)");
        }
        StoreCheck.Report report = check();
        assertThat(report.problems()).isEmpty(); // the store's head comes from the log itself: nothing to disagree with
        assertThat(report.messages()).isEqualTo(8);
    }
}
