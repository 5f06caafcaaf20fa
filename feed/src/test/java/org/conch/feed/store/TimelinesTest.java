package org.conch.feed.store;

import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.feed.MessageId;
import org.conch.feed.SignCap;
import org.conch.feed.store.Timelines.About;
import org.conch.feed.store.Timelines.Kind;
import org.conch.feed.store.Timelines.Page;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Timelines, threads and abouts of the H2 store: order, paging, filtering, and the index kept up to date. */
class TimelinesTest {
    private static final Identity ALICE = Identity.fromSeed(H2FeedStoreTest.seed(1));
    private static final Identity BOB = Identity.fromSeed(H2FeedStoreTest.seed(2));
    private static final Identity CAROL = Identity.fromSeed(H2FeedStoreTest.seed(3));

    @TempDir
    Path dir;

    @Test
    void homeTimelineMergesTheGivenFeedsNewestFirstAndPagesWithoutGapsOrRepeats() {
        try (H2FeedStore store = H2FeedStore.open(StoreOptions.inMemoryStore())) {
            List<Message> expected = new ArrayList<>();
            for (int round = 0; round < 7; round++) {
                expected.add(store.publish(ALICE, post("alice " + round), SignCap.NONE));
                store.publish(CAROL, post("carol " + round), SignCap.NONE);
                if (round % 2 == 0) expected.add(store.publish(BOB, post("bob " + round), SignCap.NONE));
            }
            List<Message> newestFirst = new ArrayList<>(expected);
            java.util.Collections.reverse(newestFirst);

            List<Message> seen = new ArrayList<>();
            long before = Timelines.NEWEST;
            int pages = 0;
            do {
                Page page = store.homeTimeline(Set.of(ALICE.id(), BOB.id()), Kind.POSTS, before, 3);
                assertThat(page.messages()).hasSizeLessThanOrEqualTo(3);
                page.messages().forEach(m -> seen.add(m.message()));
                before = page.next();
                pages++;
            } while (before > 0);
            assertThat(seen).containsExactlyElementsOf(newestFirst);
            assertThat(pages).isEqualTo(4); // 11 messages in pages of 3
        }
    }

    @Test
    void postsLeaveOutOtherTypesAndAllKeepsThem() {
        try (H2FeedStore store = H2FeedStore.open(StoreOptions.inMemoryStore())) {
            Message post = store.publish(ALICE, post("hello"), SignCap.NONE);
            Message contact = store.publish(ALICE, Map.of("type", "contact", "contact", BOB.id().toString(), "following", true), SignCap.NONE);
            Message vote = store.publish(ALICE, Map.of("type", "vote", "vote", Map.of("link", post.key().toString(), "value", 1.0)), SignCap.NONE);

            assertThat(keys(store.profile(ALICE.id(), Kind.POSTS, Timelines.NEWEST, 10))).containsExactly(post.key());
            assertThat(keys(store.profile(ALICE.id(), Kind.ALL, Timelines.NEWEST, 10)))
                    .containsExactly(vote.key(), contact.key(), post.key());
            assertThat(keys(store.publicTimeline(Kind.ALL, Timelines.NEWEST, 2))).containsExactly(vote.key(), contact.key());
            assertThat(store.publicTimeline(Kind.ALL, Timelines.NEWEST, 2).hasMore()).isTrue();
        }
    }

    @Test
    void messagesAppendedAfterTheIndexWasBuiltAppearAndSoDoThoseOfAReopenedStore() {
        Message first;
        try (H2FeedStore store = H2FeedStore.open(dir)) {
            first = store.publish(ALICE, post("before the index"), SignCap.NONE);
            assertThat(keys(store.publicTimeline(Kind.POSTS, Timelines.NEWEST, 10))).containsExactly(first.key());
            Message second = store.publish(BOB, post("after the index"), SignCap.NONE);
            assertThat(keys(store.publicTimeline(Kind.POSTS, Timelines.NEWEST, 10))).containsExactly(second.key(), first.key());
            assertThat(keys(store.homeTimeline(Set.of(BOB.id()), Kind.POSTS, Timelines.NEWEST, 10))).containsExactly(second.key());
        }
        try (H2FeedStore store = H2FeedStore.open(dir)) {
            Page page = store.publicTimeline(Kind.POSTS, Timelines.NEWEST, 1);
            assertThat(page.messages()).hasSize(1);
            assertThat(keys(store.publicTimeline(Kind.POSTS, page.next(), 1))).containsExactly(first.key());
            assertThat(store.publicTimeline(Kind.POSTS, page.next(), 1).hasMore()).isFalse();
        }
    }

    @Test
    void appendsWhileTheIndexIsBuiltAreInItAfterwards() throws Exception {
        try (H2FeedStore store = H2FeedStore.open(StoreOptions.inMemoryStore())) {
            for (int batch = 0; batch < 10; batch++) {
                List<Object> contents = new ArrayList<>();
                for (int i = 0; i < 500; i++) contents.add(post("alice " + batch + "/" + i));
                store.publish(ALICE, contents, SignCap.NONE);
            }
            java.util.concurrent.atomic.AtomicBoolean building = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread appender = new Thread(() -> {
                // Keeps appending until the build is over, so that some appends fall inside it.
                for (int i = 0; building.get() || i < 20; i++) store.publish(BOB, post("bob " + i), SignCap.NONE);
            });
            appender.start();
            store.homeTimeline(Set.of(BOB.id()), Kind.POSTS, Timelines.NEWEST, 1);
            building.set(false);
            appender.join();

            List<MessageId> expected = new ArrayList<>();
            List<MessageId> bobs = new ArrayList<>();
            store.forEachInLog(1, stored -> {
                expected.add(0, stored.message().key());
                if (stored.message().author().equals(BOB.id())) bobs.add(0, stored.message().key());
            });
            List<MessageId> paged = new ArrayList<>();
            long before = Timelines.NEWEST;
            do {
                Page page = store.publicTimeline(Kind.POSTS, before, Timelines.MAX_LIMIT);
                paged.addAll(keys(page));
                before = page.next();
            } while (before > 0);
            assertThat(paged).containsExactlyElementsOf(expected);
            assertThat(keys(store.homeTimeline(Set.of(BOB.id()), Kind.POSTS, Timelines.NEWEST, Timelines.MAX_LIMIT)))
                    .containsExactlyElementsOf(bobs.subList(0, Math.min(bobs.size(), Timelines.MAX_LIMIT)));
        }
    }

    @Test
    void unknownFeedsAndAnEmptyStoreGiveEmptyPages() {
        try (H2FeedStore store = H2FeedStore.open(StoreOptions.inMemoryStore())) {
            assertThat(store.homeTimeline(Set.of(ALICE.id()), Kind.POSTS, Timelines.NEWEST, 50).messages()).isEmpty();
            assertThat(store.publicTimeline(Kind.ALL, Timelines.NEWEST, 50).messages()).isEmpty();
            assertThat(store.publicTimeline(Kind.POSTS, Timelines.NEWEST, 50).hasMore()).isFalse();
            assertThat(store.about(ALICE.id())).isEqualTo(About.unknown(ALICE.id()));
        }
    }

    @Test
    void repliesComeOldestFirstInPages() {
        try (H2FeedStore store = H2FeedStore.open(StoreOptions.inMemoryStore())) {
            Message root = store.publish(ALICE, post("root"), SignCap.NONE);
            List<MessageId> replies = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Map<String, Object> reply = post("reply " + i);
                reply.put("root", root.key().toString());
                replies.add(store.publish(i % 2 == 0 ? BOB : CAROL, reply, SignCap.NONE).key());
            }
            store.publish(CAROL, post("unrelated"), SignCap.NONE);
            Page first = store.replies(root.key(), 0, 3);
            assertThat(keys(first)).containsExactlyElementsOf(replies.subList(0, 3));
            Page second = store.replies(root.key(), first.next(), 3);
            assertThat(keys(second)).containsExactlyElementsOf(replies.subList(3, 5));
            assertThat(second.hasMore()).isFalse();
        }
    }

    @Test
    void theLatestSelfAssignedAboutWinsAndOthersNamesAreTheFallback() {
        try (H2FeedStore store = H2FeedStore.open(StoreOptions.inMemoryStore())) {
            store.publish(BOB, about(ALICE.id(), "name", "bob's name for alice"), SignCap.NONE);
            assertThat(store.about(ALICE.id()).name()).isEqualTo("bob's name for alice");

            store.publish(ALICE, about(ALICE.id(), "name", "alice"), SignCap.NONE);
            Map<String, Object> image = about(ALICE.id(), "image", Map.of("link", "&" + "A".repeat(43) + "=.sha256", "size", 12.0));
            image.put("description", "sailor");
            store.publish(ALICE, image, SignCap.NONE);
            // Built from the log here; later abouts are applied live.
            assertThat(store.about(ALICE.id())).isEqualTo(new About(ALICE.id(), "alice", "sailor", "&" + "A".repeat(43) + "=.sha256"));

            store.publish(ALICE, about(ALICE.id(), "name", "alice two"), SignCap.NONE);
            store.publish(BOB, about(ALICE.id(), "name", "not her choice"), SignCap.NONE);
            store.publish(ALICE, about(ALICE.id(), "image", "javascript:alert(1)"), SignCap.NONE);
            About latest = store.abouts(List.of(ALICE.id(), CAROL.id())).get(ALICE.id());
            assertThat(latest).isEqualTo(new About(ALICE.id(), "alice two", "sailor", "&" + "A".repeat(43) + "=.sha256"));
            assertThat(store.abouts(List.of(CAROL.id())).get(CAROL.id())).isEqualTo(About.unknown(CAROL.id()));
        }
    }

    private static List<MessageId> keys(Page page) {
        return page.messages().stream().map(m -> m.message().key()).toList();
    }

    private static Map<String, Object> post(String text) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("type", "post");
        content.put("text", text);
        return content;
    }

    private static Map<String, Object> about(FeedId subject, String field, Object value) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("type", "about");
        content.put("about", subject.toString());
        content.put(field, value);
        return content;
    }
}
