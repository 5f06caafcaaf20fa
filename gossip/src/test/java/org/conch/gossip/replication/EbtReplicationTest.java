package org.conch.gossip.replication;

import org.conch.feed.FeedState;
import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.feed.MessageSigner;
import org.conch.feed.SignCap;
import org.conch.feed.json.Json;
import org.conch.gossip.muxrpc.Packet;
import org.conch.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Two conch nodes replicating over ebt.replicate. */
class EbtReplicationTest {
    @RegisterExtension
    static final WorkerPool workers = new WorkerPool();
    private final Identity carol = Node.identity(11);
    private final Identity dave = Node.identity(12);
    private final Identity erin = Node.identity(13);
    private Node alice;
    private Node bob;

    @BeforeEach
    void setUp() {
        alice = Node.create("alice", 1, workers);
        bob = Node.create("bob", 2, workers);
    }

    @AfterEach
    void tearDown() {
        alice.close();
        bob.close();
    }

    @Test
    void replicatesSeveralFeedsBothWaysAndLive() {
        // alice follows bob, carol and dave; bob follows alice and carol, and holds erin without following her
        alice.follow(bob.id());
        alice.follow(carol.id());
        alice.follow(dave.id());
        alice.posts(alice.identity, 30, "alice ");
        alice.posts(dave, 700, "dave ");            // more than a page
        bob.follow(alice.id());
        bob.follow(carol.id());
        bob.posts(bob.identity, 20, "bob ");
        bob.posts(carol, 300, "carol ");
        bob.posts(erin, 5, "erin ");                // in nobody's replication set

        try (Connection connection = Connection.open(alice, bob)) {
            Await.until("alice to have bob and carol", () ->
                    alice.seq(bob.id()) == bob.seq(bob.id()) && alice.seq(carol.id()) == 300);
            Await.until("bob to have alice", () -> bob.seq(alice.id()) == alice.seq(alice.id()));
            assertThat(alice.feed(carol.id())).isEqualTo(bob.feed(carol.id()));
            assertThat(bob.feed(alice.id())).isEqualTo(alice.feed(alice.id()));
            assertThat(alice.seq(erin.id())).isZero();
            // dave is two hops from bob (bob -> alice -> dave): bob gets him once he has alice's follows
            Await.until("dave at bob", () -> bob.seq(dave.id()) == 700);

            // live: a message appended during the session arrives
            Message live = bob.post(carol, "carol live");
            Await.until("the live message at alice", () -> alice.seq(carol.id()) == 301);
            assertThat(alice.store.get(live.key())).isPresent();
            Message fromAlice = alice.post("alice live");
            Await.until("alice's live message at bob", () -> bob.seq(alice.id()) == fromAlice.sequence());

            ReplicationStatus.Peer status = connection.statusAtDialler();
            assertThat(status.mode()).isEqualTo("ebt");
            assertThat(status.id()).isEqualTo(bob.id().toString());
            ReplicationStatus.Feed carolStatus = status.feeds().stream()
                    .filter(f -> f.feed().equals(carol.id().toString())).findFirst().orElseThrow();
            assertThat(carolStatus.localSeq()).isEqualTo(301);
            assertThat(carolStatus.remoteSeq()).isEqualTo(301);
            assertThat(carolStatus.received()).isEqualTo(301);
            assertThat(carolStatus.lastProgress()).isPositive();
            assertThat(status.received()).isGreaterThanOrEqualTo(301 + 21);
            ReplicationStatus whole = alice.service.status().toCompletableFuture().join();
            assertThat(whole.peer(bob.id().toString())).isNotNull();
            assertThat(whole.toJson()).containsKeys("self", "peers");
        }
    }

    @Test
    void dave2HopsIsReplicatedThroughAFollow() {
        // bob follows alice who follows dave: dave is 2 hops from bob
        alice.follow(dave.id());
        alice.posts(dave, 3, "dave ");
        bob.follow(alice.id());
        try (Connection connection = Connection.open(bob, alice)) {
            Await.until("bob to learn alice's follows and then fetch dave", () -> bob.seq(dave.id()) == 3);
        }
    }

    @Test
    void theCalledSideSendsItsClockFirst() {
        alice.follow(bob.id());
        bob.follow(alice.id());
        // the follow graph takes the follows in asynchronously; bob's first notes must already name alice
        Await.until("the follows in both replication sets", () -> alice.service.replicationSet().contains(bob.id())
                && bob.service.replicationSet().contains(alice.id()));
        try (Connection connection = Connection.open(alice, bob)) {
            Await.until("replication", () -> bob.seq(alice.id()) == 1 && alice.seq(bob.id()) == 1);
            List<Packet> fromBob = connection.wire.b.sent;
            List<Packet> fromAlice = connection.wire.a.sent;
            Packet request = fromAlice.stream().filter(p -> p.request() > 0 && p.stream()).findFirst().orElseThrow();
            Map<?, ?> body = (Map<?, ?>) request.value();
            assertThat(body.get("name")).isEqualTo(List.of("ebt", "replicate"));
            assertThat(body.get("type")).isEqualTo("duplex");
            assertThat(body.get("args")).isEqualTo(List.of(Map.of("version", 3.0, "format", "classic")));
            Packet firstData = fromBob.stream().filter(p -> p.request() == -request.request()).findFirst().orElseThrow();
            Map<?, ?> notes = (Map<?, ?>) firstData.value();
            // bob's clock: bob's own feed at 1 (and alice, whom he follows, at 0), both asking to receive
            assertThat(notes.get(bob.id().toString())).isEqualTo(2.0);
            assertThat(notes.get(alice.id().toString())).isEqualTo(0.0);
            // alice wrote nothing on the stream before bob's notes came
            int aliceFirst = indexOfFirstData(fromAlice, request.request());
            assertThat(aliceFirst).isPositive();
        }
    }

    private static int indexOfFirstData(List<Packet> packets, int request) {
        for (int i = 0; i < packets.size(); i++) {
            if (packets.get(i).request() == request && !packets.get(i).end() && i > 0) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void aForkFromThePeerIsNotStoredAndStopsOnlyThatFeed() {
        alice.follow(bob.id());
        alice.follow(carol.id());
        alice.follow(dave.id());
        bob.follow(alice.id());
        // alice holds carol 1..3; bob holds carol 1..2, a different 3 and a 4 after it
        List<Message> carolAtAlice = alice.posts(carol, 3, "carol ");
        bob.store.append(carolAtAlice.subList(0, 2));
        Message other3 = sign(carol, carolAtAlice.get(1), "a different three");
        Message other4 = sign(carol, other3, "four after the fork");
        assertThat(bob.store.append(List.of(other3, other4)).count(
                org.conch.feed.store.AppendResult.Status.STORED)).isEqualTo(2);
        bob.posts(dave, 5, "dave ");

        try (Connection connection = Connection.open(alice, bob)) {
            Await.until("dave at alice", () -> alice.seq(dave.id()) == 5);
            Await.until("carol stopped", () -> connection.statusAtDialler().feeds().stream()
                    .anyMatch(f -> f.feed().equals(carol.id().toString()) && f.state().startsWith("stopped")));
            assertThat(alice.feed(carol.id())).containsExactlyElementsOf(carolAtAlice);
            assertThat(alice.store.get(other4.key())).isEmpty();
            // alice told bob she no longer replicates carol with him
            Await.until("the -1 note", () -> connection.wire.a.sent.stream().anyMatch(p -> {
                Object value = p.value();
                return value instanceof Map<?, ?> m && Double.valueOf(-1).equals(m.get(carol.id().toString()));
            }));
            // other feeds go on, live
            bob.post(dave, "dave live");
            Await.until("dave live at alice", () -> alice.seq(dave.id()) == 6);
        }
    }

    private static Message sign(Identity author, Message previous, String text) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("type", "post");
        content.put("text", text);
        return MessageSigner.sign(author, FeedState.of(previous), content, 1_700_000_000_000.0 + previous.sequence(),
                SignCap.NONE);
    }

    @Test
    void unfollowAndBlockSendPartialClocks() {
        alice.follow(bob.id());
        bob.follow(alice.id());
        bob.posts(carol, 2, "carol ");
        try (Connection connection = Connection.open(alice, bob)) {
            Await.until("first sync", () -> bob.seq(alice.id()) == 1);
            // alice follows carol during the session: a partial clock asks for her, and she arrives
            alice.follow(carol.id());
            Await.until("carol at alice", () -> alice.seq(carol.id()) == 2);
            // carol blocks alice (bob stores it): bob stops serving carol to alice
            bob.contact(carol, alice.id(), null, true);
            Await.until("bob's -1 for carol", () -> connection.wire.b.sent.stream().anyMatch(p ->
                    p.value() instanceof Map<?, ?> m && Double.valueOf(-1).equals(m.get(carol.id().toString()))));
            bob.post(carol, "after the block");
            // the block message itself may arrive before bob applies the block; nothing after it does
            Await.until("bob has it", () -> bob.seq(carol.id()) == 4);
            connection.awaitQuiet();
            assertThat(alice.seq(carol.id())).isLessThan(4);
        }
    }

    @Test
    void aLocalUnfollowOrBlockWhileConnectedStopsReplicatingThatFeed() {
        alice.follow(bob.id());
        alice.follow(carol.id());
        alice.follow(dave.id());
        bob.follow(alice.id());
        // bob replicates carol and dave through erin, whom he follows: 3 hops from alice, so only her own follow
        // and block decide for her, and bob goes on sharing them whatever she does
        bob.follow(erin.id());
        bob.contact(erin, carol.id(), true, null);
        bob.contact(erin, dave.id(), true, null);
        bob.posts(carol, 2, "carol ");
        bob.posts(dave, 2, "dave ");
        try (Connection connection = Connection.open(alice, bob)) {
            Await.until("carol and dave at alice", () -> alice.seq(carol.id()) == 2 && alice.seq(dave.id()) == 2);

            alice.contact(alice.identity, carol.id(), false, null); // unfollow
            alice.contact(alice.identity, dave.id(), null, true);   // block
            Await.until("alice's -1 for carol and dave", () -> connection.wire.a.sent.stream().anyMatch(p ->
                    p.value() instanceof Map<?, ?> m && Double.valueOf(-1).equals(m.get(carol.id().toString())))
                    && connection.wire.a.sent.stream().anyMatch(p ->
                    p.value() instanceof Map<?, ?> m && Double.valueOf(-1).equals(m.get(dave.id().toString()))));
            bob.post(carol, "carol after the unfollow");
            bob.post(dave, "dave after the block");
            Message stillFollowed = bob.post(bob.identity, "bob goes on");
            Await.until("bob's own post at alice", () -> alice.seq(bob.id()) == stillFollowed.sequence());
            connection.awaitQuiet();
            assertThat(alice.seq(carol.id())).as("carol, unfollowed").isEqualTo(2);
            assertThat(alice.seq(dave.id())).as("dave, blocked").isEqualTo(2);
        }
    }

    @Test
    void aWrongVersionIsRefusedWithTheJavaScriptText() {
        Collector collector = new Collector();
        Wire wire = new Wire("client", new org.conch.gossip.muxrpc.MethodRegistry(),
                org.conch.gossip.muxrpc.Caller.anonymous(bob.id().toString()),
                "bob", bob.registry, org.conch.gossip.muxrpc.Caller.anonymous(alice.id().toString()));
        PeerReplication[] attached = new PeerReplication[1];
        wire.b.run(() -> attached[0] = bob.service.attach(wire.b.session, wire.b.thread, false));
        wire.a.run(() -> wire.a.session.duplex("ebt.replicate", List.of(Map.of("version", 2.0)), collector));
        collector.awaitEnd();
        assertThat(collector.error).isNotNull();
        assertThat(collector.error.getMessage()).isEqualTo("expected ebt.replicate({version: 3})");
        Collector format = new Collector();
        wire.a.run(() -> wire.a.session.duplex("ebt.replicate",
                List.of(Map.of("version", 3.0, "format", "buttwoo-v1")), format));
        format.awaitEnd();
        assertThat(format.error.getMessage()).isEqualTo("Unknown format: buttwoo-v1");
        attached[0].close();
        wire.close();
    }

    @Test
    void notesAreCompactJsonObjects() {
        alice.follow(bob.id());
        try (Connection connection = Connection.open(alice, bob)) {
            Await.until("bob's notes", () -> connection.wire.b.sent.stream().anyMatch(p -> p.stream() && !p.end()));
            Packet notes = connection.wire.b.sent.stream().filter(p -> p.stream() && !p.end()).findFirst().orElseThrow();
            String text = new String(notes.body(), StandardCharsets.UTF_8);
            assertThat(text).startsWith("{\"@").doesNotContain(" ");
            assertThat(Json.parse(text)).isInstanceOf(Map.class);
        }
    }

    @Test
    void sendingWaitsWhileTheTransportIsFull() {
        alice.follow(carol.id());
        bob.posts(carol, 600, "carol ");
        bob.follow(alice.id());
        try (Connection connection = Connection.open(alice, bob, wire -> wire.b.queueFull = true)) {
            Await.until("alice's notes reach bob", () -> connection.wire.a.sent.stream()
                    .anyMatch(p -> p.stream() && p.value() instanceof Map<?, ?> m && m.containsKey(carol.id().toString())));
            connection.awaitQuiet();
            assertThat(alice.seq(carol.id())).isZero();
            connection.wire.b.drain();
            Await.until("all of carol", () -> alice.seq(carol.id()) == 600);
        }
    }
}
