package org.conch.feed.store;

import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.feed.MessageId;
import org.conch.feed.SignCap;
import org.conch.feed.privatebox.PrivateContent;
import org.conch.feed.store.PrivateIndex.Conversation;
import org.conch.feed.store.PrivateIndex.PrivateMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The index of the private messages the local identity reads: filled live and by catching up, grouped, marked read. */
class PrivateIndexTest {
    private static final Identity ME = Identity.fromSeed(H2FeedStoreTest.seed(1));
    private static final Identity BOB = Identity.fromSeed(H2FeedStoreTest.seed(2));
    private static final Identity CAROL = Identity.fromSeed(H2FeedStoreTest.seed(3));

    @TempDir
    Path dir;

    private static Map<String, Object> post(String text, List<FeedId> recps, MessageId root) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("type", "post");
        content.put("text", text);
        if (root != null) content.put("root", root.toString());
        content.put("recps", recps.stream().map(FeedId::toString).toList());
        return content;
    }

    /** Publishes a private post from {@code author}, boxed for the recps. */
    private static Message sendPrivate(H2FeedStore store, Identity author, String text, List<FeedId> recps, MessageId root) {
        return store.publish(author, PrivateContent.box(post(text, recps, root), recps), SignCap.NONE);
    }

    private static void await(java.util.concurrent.CompletableFuture<Void> done) throws Exception {
        done.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aPrivateMessageForTheLocalIdentityIsIndexedAsItArrivesAndOthersAreNot() throws Exception {
        try (H2FeedStore store = H2FeedStore.open(StoreOptions.inMemoryStore());
             PrivateIndex index = PrivateIndex.open(store, ME)) {
            List<PrivateMessage> announced = new CopyOnWriteArrayList<>();
            index.subscribe(announced::add);
            await(index.caughtUp());

            Message forMe = sendPrivate(store, BOB, "hello me", List.of(BOB.id(), ME.id()), null);
            sendPrivate(store, BOB, "between bob and carol", List.of(BOB.id(), CAROL.id()), null);
            store.publish(BOB, Map.of("type", "post", "text", "public"), SignCap.NONE);
            await(index.indexed());

            List<Conversation> conversations = index.conversations(50);
            assertThat(conversations).singleElement().satisfies(conversation -> {
                assertThat(conversation.root()).isEqualTo(forMe.key());
                assertThat(conversation.participants()).containsExactly(BOB.id(), ME.id());
                assertThat(conversation.latest().content()).containsEntry("text", "hello me");
                assertThat(conversation.unread()).isEqualTo(1);
            });
            assertThat(announced).extracting(PrivateMessage::key).containsExactly(forMe.key());
            assertThat(index.get(forMe.key())).hasValueSatisfying(message -> assertThat(message.read()).isFalse());
            assertThat(store.get(forMe.key()).orElseThrow().message().content())
                    .as("the log keeps the ciphertext").isInstanceOf(String.class);
        }
    }

    @Test
    void repliesGroupIntoTheirConversationNewestConversationFirstAndMarkingReadClearsItsUnread() throws Exception {
        try (H2FeedStore store = H2FeedStore.open(StoreOptions.inMemoryStore());
             PrivateIndex index = PrivateIndex.open(store, ME)) {
            List<FeedId> withBob = List.of(BOB.id(), ME.id());
            Message first = sendPrivate(store, BOB, "first", withBob, null);
            Message other = sendPrivate(store, CAROL, "carol's", List.of(CAROL.id(), ME.id()), null);
            Message mine = sendPrivate(store, ME, "my reply", withBob, first.key());
            sendPrivate(store, BOB, "bob again", withBob, first.key());
            await(index.indexed());

            List<Conversation> conversations = index.conversations(50);
            assertThat(conversations).extracting(Conversation::root).containsExactly(first.key(), other.key());
            Conversation withBobConversation = conversations.get(0);
            assertThat(withBobConversation.messages()).isEqualTo(3);
            assertThat(withBobConversation.unread()).as("my own reply is read").isEqualTo(2);
            assertThat(index.messages(first.key())).extracting(m -> m.content().get("text"))
                    .containsExactly("first", "my reply", "bob again");
            assertThat(index.get(mine.key())).hasValueSatisfying(message -> assertThat(message.read()).isTrue());
            assertThat(index.recipients(first.key())).contains(withBob);
            assertThat(index.recipients(MessageId.of(new byte[32]))).isEmpty();
            assertThat(index.unreadCount()).isEqualTo(3);

            assertThat(index.markRead(first.key())).isEqualTo(2);

            assertThat(index.conversation(first.key()).orElseThrow().unread()).isZero();
            assertThat(index.unreadCount()).isEqualTo(1);
        }
    }

    @Test
    void whatWasStoredBeforeIsFoundOnceAndReopeningKeepsReadMarks() throws Exception {
        List<Message> forMe = new ArrayList<>();
        try (H2FeedStore store = H2FeedStore.open(dir)) {
            for (int i = 0; i < 5; i++) {
                forMe.add(sendPrivate(store, BOB, "before " + i, List.of(ME.id()), null));
                store.publish(CAROL, Map.of("type", "post", "text", "public " + i), SignCap.NONE);
            }
        }
        try (H2FeedStore store = H2FeedStore.open(dir); PrivateIndex index = PrivateIndex.open(store, ME)) {
            await(index.caughtUp());
            assertThat(index.conversations(50)).extracting(Conversation::root)
                    .containsExactly(forMe.get(4).key(), forMe.get(3).key(), forMe.get(2).key(), forMe.get(1).key(), forMe.get(0).key());
            index.markRead(forMe.get(0).key());
            forMe.add(sendPrivate(store, BOB, "while open", List.of(ME.id()), null));
            await(index.indexed());
        }
        try (H2FeedStore store = H2FeedStore.open(dir); PrivateIndex index = PrivateIndex.open(store, ME)) {
            await(index.caughtUp());
            assertThat(index.conversations(50)).hasSize(6);
            assertThat(index.unreadCount()).isEqualTo(5);
            assertThat(index.conversation(forMe.get(0).key()).orElseThrow().unread()).isZero();
        }
        try (H2FeedStore store = H2FeedStore.open(dir); PrivateIndex index = PrivateIndex.open(store, CAROL)) {
            await(index.caughtUp());
            assertThat(index.conversations(50)).as("another identity starts its own index: none is for carol").isEmpty();
        }
    }

    @Test
    void aBoxWithASlotForUsButNoObjectInsideIsNotAMessage() throws Exception {
        try (H2FeedStore store = H2FeedStore.open(StoreOptions.inMemoryStore());
             PrivateIndex index = PrivateIndex.open(store, ME)) {
            store.publish(BOB, PrivateContent.box("just a string", List.of(ME.id())), SignCap.NONE);
            store.publish(BOB, "bm90IGEgYm94.box", SignCap.NONE);
            await(index.indexed());
            assertThat(index.conversations(50)).isEmpty();
        }
    }
}
