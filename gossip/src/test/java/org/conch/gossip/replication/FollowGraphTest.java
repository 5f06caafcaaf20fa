package org.conch.gossip.replication;

import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.feed.SignCap;
import org.conch.feed.store.H2FeedStore;
import org.conch.feed.store.StoreOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class FollowGraphTest {
    private final Identity me = Node.identity(1);
    private final Identity alice = Node.identity(2);
    private final Identity bob = Node.identity(3);
    private final Identity carol = Node.identity(4);
    private final Identity dave = Node.identity(5);
    private H2FeedStore store;

    @BeforeEach
    void open() {
        store = H2FeedStore.open(StoreOptions.inMemoryStore());
    }

    @AfterEach
    void close() {
        store.close();
    }

    private Message contact(Identity author, Identity target, Boolean following, Boolean blocking) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("type", "contact");
        content.put("contact", target.id().toString());
        if (following != null) content.put("following", following);
        if (blocking != null) content.put("blocking", blocking);
        return store.publish(author, content, SignCap.NONE);
    }

    @Test
    void hopsFollowFollowsUpToTheLimit() {
        contact(me, alice, true, null);
        contact(alice, bob, true, null);
        contact(bob, carol, true, null);
        contact(carol, dave, true, null);
        FollowGraph graph = new FollowGraph();
        graph.load(store);

        assertThat(graph.replicationSet(me.id())).containsExactlyInAnyOrder(me.id(), alice.id(), bob.id());
        assertThat(graph.replicationSet(me.id(), 1)).containsExactlyInAnyOrder(me.id(), alice.id());
        assertThat(graph.replicationSet(me.id(), 0)).containsExactly(me.id());
        assertThat(graph.hops(me.id(), 3)).containsEntry(carol.id(), 3).doesNotContainKey(dave.id());
        assertThat(graph.followed(me.id())).containsExactly(alice.id());
    }

    @Test
    void ownBlocksAreLeftOutAndNotWalkedThrough() {
        contact(me, alice, true, null);
        contact(alice, bob, true, null);
        contact(bob, carol, true, null);
        contact(alice, carol, true, null);
        contact(me, bob, null, true);
        FollowGraph graph = new FollowGraph();
        graph.load(store);

        // bob is blocked by me: not replicated, and carol is still reached through alice
        assertThat(graph.replicationSet(me.id())).containsExactlyInAnyOrder(me.id(), alice.id(), carol.id());
        assertThat(graph.isBlockedBy(me.id(), bob.id())).isTrue();
        assertThat(graph.isBlockedBy(bob.id(), me.id())).isFalse();
    }

    @Test
    void aBlockByAFriendDoesNotRemoveAFeedSelfReaches() {
        contact(me, alice, true, null);
        contact(me, bob, true, null);
        contact(alice, bob, null, true);
        FollowGraph graph = new FollowGraph();
        graph.load(store);
        assertThat(graph.replicationSet(me.id())).contains(bob.id());
        assertThat(graph.isBlockedBy(alice.id(), bob.id())).isTrue();
    }

    @Test
    void theLatestContactMessageWinsInFeedOrder() {
        List<Message> messages = new ArrayList<>();
        messages.add(contact(me, alice, true, null));
        messages.add(contact(me, alice, false, null));   // unfollow
        messages.add(contact(me, bob, true, null));
        messages.add(contact(me, bob, null, true));      // block replaces the follow
        messages.add(contact(me, carol, null, true));
        messages.add(contact(me, carol, null, false));   // unblock: neutral
        messages.add(contact(me, dave, true, true));     // blocking wins over following in one message

        FollowGraph inOrder = new FollowGraph();
        messages.forEach(inOrder::apply);
        FollowGraph reversed = new FollowGraph();
        List<Message> backwards = new ArrayList<>(messages);
        Collections.reverse(backwards);
        backwards.forEach(reversed::apply);
        backwards.forEach(reversed::apply); // twice: idempotent

        for (FollowGraph graph : List.of(inOrder, reversed)) {
            assertThat(graph.relation(me.id(), alice.id())).isEqualTo(FollowGraph.Relation.NEUTRAL);
            assertThat(graph.relation(me.id(), bob.id())).isEqualTo(FollowGraph.Relation.BLOCK);
            assertThat(graph.relation(me.id(), carol.id())).isEqualTo(FollowGraph.Relation.NEUTRAL);
            assertThat(graph.relation(me.id(), dave.id())).isEqualTo(FollowGraph.Relation.BLOCK);
            assertThat(graph.replicationSet(me.id())).containsExactly(me.id());
        }
    }

    @Test
    void ignoresWhatIsNotAPublicContactOfAFeed() {
        Map<String, Object> notAFeed = new LinkedHashMap<>();
        notAFeed.put("type", "contact");
        notAFeed.put("contact", "%notafeed.sha256");
        notAFeed.put("following", true);
        Message bad = store.publish(me, notAFeed, SignCap.NONE);
        Map<String, Object> post = new LinkedHashMap<>();
        post.put("type", "post");
        post.put("contact", alice.id().toString());
        post.put("following", true);
        Message other = store.publish(me, post, SignCap.NONE);
        FollowGraph graph = new FollowGraph();
        assertThat(graph.apply(bad)).isFalse();
        assertThat(graph.apply(other)).isFalse();
        assertThat(graph.replicationSet(me.id())).containsExactly(me.id());
    }

    @Test
    void followsTheStoreLiveAndTellsListenersOfChanges() throws Exception {
        FollowGraph graph = new FollowGraph();
        AtomicInteger changes = new AtomicInteger();
        graph.onChange(changes::incrementAndGet);
        try (AutoCloseable subscription = graph.attach(store)) {
            contact(me, alice, true, null);
            assertThat(graph.replicationSet(me.id())).contains(alice.id());
            contact(me, alice, true, null); // same relation again: no change
            assertThat(changes).hasValue(1);
            contact(me, alice, false, null);
            assertThat(graph.replicationSet(me.id())).doesNotContain(alice.id());
            assertThat(changes).hasValue(2);
            contact(alice, me, null, true);
            assertThat(graph.isBlockedBy(alice.id(), me.id())).isTrue();
        }
        contact(me, bob, true, null); // after the subscription closed
        assertThat(graph.follows(me.id(), bob.id())).isFalse();
    }
}
