package org.conch.feed.store;

import org.conch.feed.FeedState;
import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.feed.MessageSigner;
import org.conch.feed.SignCap;
import org.conch.feed.store.AppendResult.Status;
import org.conch.feed.testing.Messages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The file-backed H2 feed store: append-only, forks recorded, nothing acknowledged lost on reopen. */
class H2FeedStoreTest {
    private static final Identity ALICE = Identity.fromSeed(seed(1));
    private static final Identity BOB = Identity.fromSeed(seed(2));

    @TempDir
    Path dir;

    @Test
    void appendedMessagesAreReadBackInSequenceOrderWithTheirKeys() {
        List<Message> feed = chain(ALICE, 5);
        try (H2FeedStore store = H2FeedStore.open(dir)) {
            AppendResult result = store.append(feed);
            assertThat(result.count(Status.STORED)).isEqualTo(5);
            List<Message> read = new ArrayList<>();
            store.forEachInFeed(ALICE.id(), 1, 0, stored -> read.add(stored.message()));
            assertThat(read).extracting(Message::key).containsExactlyElementsOf(feed.stream().map(Message::key).toList());
            assertThat(read.get(2).compactJson()).isEqualTo(feed.get(2).compactJson());
            assertThat(store.state(ALICE.id())).contains(FeedState.of(feed.get(4)));
            assertThat(store.get(feed.get(3).key())).hasValueSatisfying(s -> assertThat(s.message().sequence()).isEqualTo(4));
        }
    }

    @Test
    void aFeedReadForReplicationCarriesTheStoredBytesAndReadsLikeTheOriginal() {
        List<Message> feed = chain(ALICE, 3);
        try (H2FeedStore store = H2FeedStore.open(dir)) {
            store.append(feed);
            List<Message> read = new ArrayList<>();
            store.forEachInFeed(ALICE.id(), 1, 0, stored -> read.add(stored.message()));
            for (int i = 0; i < feed.size(); i++) {
                Message original = feed.get(i);
                Message back = read.get(i);
                assertThat(new String(back.compactUtf8(), StandardCharsets.UTF_8)).isEqualTo(original.compactJson());
                assertThat(back.author()).isEqualTo(original.author());
                assertThat(back.sequence()).isEqualTo(original.sequence());
                assertThat(back.value()).isEqualTo(original.value());
                assertThat(back.previous()).isEqualTo(original.previous());
                assertThat(back.type()).isEqualTo(original.type());
                assertThat(back.prettyJson()).isEqualTo(original.prettyJson());
            }
        }
    }

    @Test
    void everythingAcknowledgedIsThereAfterReopening() {
        List<Message> feed = chain(ALICE, 3);
        try (H2FeedStore store = H2FeedStore.open(dir)) {
            store.append(feed);
        }
        try (H2FeedStore store = H2FeedStore.open(dir)) {
            assertThat(store.messageCount()).isEqualTo(3);
            assertThat(store.state(ALICE.id())).contains(FeedState.of(feed.get(2)));
            Message next = store.publish(ALICE, post("after reopen"), SignCap.NONE);
            assertThat(next.sequence()).isEqualTo(4);
            assertThat(next.previous()).isEqualTo(feed.get(2).key());
        }
    }

    @Test
    void aStoreOpenAlreadyIsNotOpenedASecondTime() {
        try (H2FeedStore store = H2FeedStore.open(dir)) {
            assertThatThrownBy(() -> H2FeedStore.open(dir)).isInstanceOf(StoreException.class)
                    .hasMessage("the store in " + dir + " is in use by another conch process");
            store.append(chain(ALICE, 1)); // the first is unharmed
        }
        try (H2FeedStore store = H2FeedStore.open(dir)) {
            assertThat(store.messageCount()).isEqualTo(1);
        }
    }

    @Test
    void aMessageAlreadyStoredIsSkippedAsADuplicate() {
        List<Message> feed = chain(ALICE, 3);
        try (H2FeedStore store = H2FeedStore.open(dir)) {
            store.append(feed);
            AppendResult again = store.append(feed);
            assertThat(again.outcomes()).extracting(AppendResult.Outcome::status).containsOnly(Status.DUPLICATE);
            assertThat(store.messageCount()).isEqualTo(3);
        }
    }

    @Test
    void aSecondMessageAtAStoredSequenceIsRecordedAsAForkNotStored() {
        List<Message> feed = chain(ALICE, 3);
        Message rival = MessageSigner.sign(ALICE, FeedState.of(feed.get(0)), post("rival"), 5, SignCap.NONE);
        try (H2FeedStore store = H2FeedStore.open(dir)) {
            store.append(feed);
            AppendResult result = store.append(List.of(rival));
            assertThat(result.outcomes().get(0).status()).isEqualTo(Status.FORK);
            assertThat(store.get(rival.key())).isEmpty();
            assertThat(store.forks(ALICE.id())).singleElement()
                    .satisfies(fork -> {
                        assertThat(fork.key()).isEqualTo(rival.key());
                        assertThat(fork.sequence()).isEqualTo(2);
                    });
            // the feed itself is untouched
            assertThat(store.state(ALICE.id())).contains(FeedState.of(feed.get(2)));
        }
    }

    @Test
    void aNextMessageThatDoesNotChainToTheLatestIsAFork() {
        List<Message> feed = chain(ALICE, 2);
        Message otherSecond = MessageSigner.sign(ALICE, FeedState.of(feed.get(0)), post("other"), 7, SignCap.NONE);
        Message third = MessageSigner.sign(ALICE, FeedState.of(otherSecond), post("third on the other branch"), 8, SignCap.NONE);
        try (H2FeedStore store = H2FeedStore.open(dir)) {
            store.append(feed);
            AppendResult result = store.append(List.of(third));
            assertThat(result.outcomes().get(0).status()).isEqualTo(Status.FORK);
            assertThat(store.forks(ALICE.id())).extracting(FeedStore.Fork::key).containsExactly(third.key());
        }
    }

    @Test
    void aGapIsRefusedWithAReasonAndTheRestOfTheBatchStillLands() {
        List<Message> alice = chain(ALICE, 3);
        List<Message> bob = chain(BOB, 1);
        try (H2FeedStore store = H2FeedStore.open(dir)) {
            AppendResult result = store.append(List.of(alice.get(0), alice.get(2), bob.get(0)));
            assertThat(result.outcomes()).extracting(AppendResult.Outcome::status)
                    .containsExactly(Status.STORED, Status.REFUSED, Status.STORED);
            assertThat(result.outcomes().get(1).reason()).contains(ALICE.id().toString()).contains("sequence");
            assertThat(store.messageCount()).isEqualTo(2);
        }
    }

    @Test
    void aFeedMustStartAtSequenceOne() {
        List<Message> alice = chain(ALICE, 2);
        try (H2FeedStore store = H2FeedStore.open(dir)) {
            AppendResult result = store.append(List.of(alice.get(1)));
            assertThat(result.outcomes().get(0).status()).isEqualTo(Status.REFUSED);
            assertThat(store.state(ALICE.id())).isEmpty();
        }
    }

    @Test
    void messagesAreFoundByIdBeforeAndAfterTheirIdsAreIndexedAndAfterACrash() {
        List<Message> feed = chain(ALICE, 25);
        try (H2FeedStore store = H2FeedStore.open(StoreOptions.at(dir).withBatches(StoreOptions.DEFAULT_INDEX_BATCH, 10))) {
            store.append(feed.subList(0, 12)); // 12 ids: indexed in one batch
            store.append(feed.subList(12, 15)); // 3 ids: held in memory
            for (Message message : feed.subList(0, 15)) {
                assertThat(store.get(message.key())).as("seq %d", message.sequence()).isPresent();
            }
            assertThat(store.get(feed.get(20).key())).isEmpty();
        }
        // Reopened, ids never indexed are found again from the log.
        try (H2FeedStore store = H2FeedStore.open(StoreOptions.at(dir).withBatches(StoreOptions.DEFAULT_INDEX_BATCH, 10))) {
            store.append(feed.subList(15, 25));
            for (Message message : feed) {
                assertThat(store.get(message.key())).as("seq %d", message.sequence())
                        .hasValueSatisfying(stored -> assertThat(stored.message().key()).isEqualTo(message.key()));
            }
        }
    }

    @Test
    void appendsGoOnWhileABatchOfIdsWaitsForTheIndexThreadAndEveryIdIsFoundThroughout() throws Exception {
        List<Message> feed = chain(ALICE, 30);
        List<Runnable> indexThread = new ArrayList<>();
        try (H2FeedStore store = H2FeedStore.open(StoreOptions.at(dir).withBatches(StoreOptions.DEFAULT_INDEX_BATCH, 10).withIndexExecutor(indexThread::add))) {
            store.append(feed.subList(0, 12)); // 12 ids: a batch is due, and waits for the index thread
            assertThat(indexThread).hasSize(1);
            assertThat(store.append(feed.subList(12, 25)).outcomes()).extracting(AppendResult.Outcome::status)
                    .containsOnly(Status.STORED); // the append did not wait, and no second batch is queued
            assertThat(indexThread).hasSize(1);
            assertThat(store.idIndex().indexedThrough()).isZero();
            assertFound(store, feed.subList(0, 25));

            indexThread.remove(0).run();
            assertThat(store.idIndex().indexedThrough()).isEqualTo(25);
            assertFound(store, feed.subList(0, 25));

            store.append(feed.subList(25, 30)); // 5 ids: below the batch size
            assertThat(indexThread).isEmpty();
            assertFound(store, feed);
        }
        assertThat(idsIndexed()).as("close indexes the rest").isEqualTo(30);
    }

    @Test
    void aBatchStillQueuedWhenTheStoreClosesDoesNothingAndCloseIndexesEveryId() throws Exception {
        List<Message> feed = chain(ALICE, 12);
        List<Runnable> indexThread = new ArrayList<>();
        try (H2FeedStore store = H2FeedStore.open(StoreOptions.at(dir).withBatches(StoreOptions.DEFAULT_INDEX_BATCH, 10).withIndexExecutor(indexThread::add))) {
            store.append(feed);
        }
        assertThat(idsIndexed()).isEqualTo(12);
        indexThread.remove(0).run(); // too late: the store is closed
        try (H2FeedStore store = H2FeedStore.open(dir)) {
            assertFound(store, feed);
        }
        assertThat(idsIndexed()).isEqualTo(12);
    }

    private static void assertFound(H2FeedStore store, List<Message> messages) {
        for (Message message : messages) {
            assertThat(store.get(message.key())).as("seq %d", message.sequence())
                    .hasValueSatisfying(stored -> assertThat(stored.message().key()).isEqualTo(message.key()));
        }
    }

    /** How far the id index of the closed store in {@code dir} reaches: every log position has one id. */
    private long idsIndexed() {
        return IdIndex.open(dir.resolve(StoreOpening.ID_DIRECTORY)).indexedThrough();
    }


    @Test
    void subscribersHearOfEachNewlyStoredMessageOnceInLogOrder() throws Exception {
        List<Message> feed = chain(ALICE, 3);
        List<StoredMessage> heard = new ArrayList<>();
        try (H2FeedStore store = H2FeedStore.open(dir)) {
            AutoCloseable subscription = store.subscribe(heard::add);
            store.append(feed.subList(0, 2));
            store.append(feed.subList(0, 2)); // duplicates: nothing new
            subscription.close();
            store.append(feed.subList(2, 3));
        }
        assertThat(heard).extracting(StoredMessage::message).containsExactly(feed.get(0), feed.get(1));
        assertThat(heard).extracting(StoredMessage::logSequence).containsExactly(1L, 2L);
    }

    @Test
    void theLogKeepsReceiveOrderAcrossFeeds() {
        List<Message> alice = chain(ALICE, 2);
        List<Message> bob = chain(BOB, 2);
        try (H2FeedStore store = H2FeedStore.open(dir)) {
            store.append(List.of(bob.get(0), alice.get(0)));
            store.append(List.of(alice.get(1), bob.get(1)));
            List<Message> log = new ArrayList<>();
            store.forEachInLog(1, stored -> log.add(stored.message()));
            assertThat(log).containsExactly(bob.get(0), alice.get(0), alice.get(1), bob.get(1));
            assertThat(store.feeds()).hasSize(2);
        }
    }

    @Test
    void repliesAreFoundByTheirThreadRootAndMessagesByType() {
        try (H2FeedStore store = H2FeedStore.open(dir)) {
            Message root = store.publish(ALICE, post("root"), SignCap.NONE);
            Map<String, Object> reply = post("reply");
            reply.put("root", root.key().toString());
            Message replyMessage = store.publish(BOB, reply, SignCap.NONE);
            Map<String, Object> contact = new LinkedHashMap<>();
            contact.put("type", "contact");
            contact.put("contact", ALICE.id().toString());
            contact.put("following", true);
            Message follow = store.publish(BOB, contact, SignCap.NONE);

            assertThat(store.thread(root.key(), 10)).extracting(StoredMessage::message).containsExactly(replyMessage);
            assertThat(store.byType("contact", 10)).extracting(StoredMessage::message).containsExactly(follow);
            assertThat(store.byType("post", 10)).hasSize(2);
        }
    }

    static List<Message> chain(Identity identity, int count) {
        return Messages.chain(identity, count);
    }

    static Map<String, Object> post(String text) {
        return Messages.post(text);
    }

    static byte[] seed(int fill) {
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) fill);
        return seed;
    }
}
