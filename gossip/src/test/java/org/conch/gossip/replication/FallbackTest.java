package org.conch.gossip.replication;

import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.gossip.muxrpc.Caller;
import org.conch.gossip.muxrpc.MethodRegistry;
import org.conch.gossip.muxrpc.MethodRegistry.Access;
import org.conch.gossip.muxrpc.StreamListener;
import org.conch.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Replication by createHistoryStream with peers that have no EBT. */
class FallbackTest {
    @RegisterExtension
    static final WorkerPool workers = new WorkerPool();
    private final Identity carol = Node.identity(21);
    private Node alice;
    private Node bob;

    @BeforeEach
    void setUp() {
        alice = Node.create("alice", 1, workers);
        // bob: a conch without ebt.replicate, like ssb-server without ssb-ebt
        bob = Node.bare("bob", 2, workers);
        ReplicationHandlers.registerBasics(bob.registry, bob.service);
        bob.registry.source("createHistoryStream", Access.ANYONE,
                (context, args, stream) -> bob.service.peer(context.session()).serveHistory(args, stream));
    }

    @AfterEach
    void tearDown() {
        alice.close();
        bob.close();
    }

    @Test
    void theDiallerFallsBackToHistoryStreamsOnAMissingMethodAndBothSidesReplicateLive() {
        alice.follow(bob.id());
        alice.follow(carol.id());
        alice.posts(alice.identity, 12, "alice ");
        bob.follow(alice.id());
        bob.follow(carol.id());
        bob.posts(bob.identity, 7, "bob ");
        bob.posts(carol, 40, "carol ");

        try (Connection connection = Connection.open(alice, bob)) {
            Await.until("alice has bob and carol", () -> alice.seq(bob.id()) == bob.seq(bob.id())
                    && alice.seq(carol.id()) == 40);
            Await.until("bob has alice (his own history streams)", () -> bob.seq(alice.id()) == alice.seq(alice.id()));
            assertThat(alice.feed(carol.id())).isEqualTo(bob.feed(carol.id()));
            assertThat(connection.statusAtDialler().mode()).isEqualTo("history");
            assertThat(connection.statusAtDialled().mode()).isEqualTo("history");

            // the request alice sent: one live stream per feed, keys false, from local + 1
            Map<?, ?> carolRequest = connection.wire.a.sent.stream()
                    .filter(p -> p.request() > 0 && p.stream() && !p.end())
                    .map(p -> (Map<?, ?>) p.value())
                    .filter(body -> List.of("createHistoryStream").equals(body.get("name"))
                            && ((Map<?, ?>) ((List<?>) body.get("args")).get(0)).get("id").equals(carol.id().toString()))
                    .findFirst().orElseThrow();
            assertThat(((List<?>) carolRequest.get("args")).get(0))
                    .isEqualTo(Map.of("id", carol.id().toString(), "seq", 1.0, "live", true, "keys", false));

            Message live = bob.post(carol, "carol live");
            Await.until("live at alice", () -> alice.store.get(live.key()).isPresent());
            Message back = alice.post("alice live");
            Await.until("live at bob", () -> bob.store.get(back.key()).isPresent());
        }
    }

    @Test
    void aPeerThatRefusesVersion3AlsoGetsHistoryStreams() {
        Node old = Node.bare("old", 3, workers);
        try {
            old.registry.duplex("ebt.replicate", Access.ANYONE, (context, args, stream) -> {
                throw new IllegalArgumentException("expected ebt.replicate({version: 2})");
            });
            old.registry.source("createHistoryStream", Access.ANYONE,
                    (context, args, stream) -> old.service.peer(context.session()).serveHistory(args, stream));
            alice.follow(old.id());
            old.posts(old.identity, 3, "old ");
            try (Connection connection = Connection.open(alice, old)) {
                Await.until("old's feed at alice", () -> alice.seq(old.id()) == 3);
                assertThat(connection.statusAtDialler().mode()).isEqualTo("history");
            }
        } finally {
            old.close();
        }
    }

    @Test
    void aLegacyClientCallingUsGetsReplicatedByHistoryStreams() {
        // a legacy client with no EBT dials alice and asks for alice's feed; alice then asks it for the
        // feeds she replicates, as ssb-replicate does on call:createHistoryStream
        Identity legacyPeer = Node.identity(30);
        alice.follow(legacyPeer.id());
        alice.follow(carol.id());
        List<Object> asked = new CopyOnWriteArrayList<>();
        MethodRegistry legacyRegistry = new MethodRegistry();
        legacyRegistry.source("createHistoryStream", Access.ANYONE, (context, args, stream) -> {
            asked.add(args.get(0));
            return StreamListener.IGNORE; // keeps it open, like a live stream with nothing new
        });
        Wire wire = new Wire("legacy", legacyRegistry, Caller.anonymous(alice.id().toString()),
                "alice", alice.registry, Caller.anonymous(legacyPeer.id().toString()));
        PeerReplication[] attached = new PeerReplication[1];
        wire.b.run(() -> attached[0] = alice.service.attach(wire.b.session, wire.b.thread, false));
        Collector own = new Collector();
        wire.a.run(() -> wire.a.session.source("createHistoryStream",
                List.of(Map.of("id", alice.id().toString(), "seq", 1.0, "live", true, "keys", false)), own));
        own.awaitItems(2);
        Await.until("alice's requests", () -> asked.size() == 3);
        assertThat(asked.stream().map(a -> (Object) ((Map<?, ?>) a).get("id")).toList()).containsExactlyInAnyOrder(
                alice.id().toString(), legacyPeer.id().toString(), carol.id().toString());
        attached[0].close();
        wire.close();
    }
}
