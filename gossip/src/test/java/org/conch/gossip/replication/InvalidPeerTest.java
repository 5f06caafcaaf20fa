package org.conch.gossip.replication;

import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.gossip.GossipException;
import org.conch.gossip.muxrpc.MethodRegistry.Access;
import org.conch.gossip.muxrpc.StreamListener;
import org.conch.gossip.muxrpc.Substream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** A peer that sends a message with a bad signature: nothing invalid is stored, only that feed stops. */
class InvalidPeerTest {
    @RegisterExtension
    static final WorkerPool workers = new WorkerPool();
    private final Identity carol = Node.identity(51);
    private final Identity dave = Node.identity(52);
    private Node alice;
    private Node evil;
    private List<Message> carols;
    private List<Message> daves;

    @BeforeEach
    void setUp() {
        alice = Node.create("alice", 1, workers);
        alice.follow(carol.id());
        alice.follow(dave.id());
        // real signed messages, made in a scratch store
        try (org.conch.feed.store.H2FeedStore scratch = org.conch.feed.store.H2FeedStore.open(org.conch.feed.store.StoreOptions.inMemoryStore())) {
            carols = List.of(publish(scratch, carol, "c1"), publish(scratch, carol, "c2"), publish(scratch, carol, "c3"));
            daves = List.of(publish(scratch, dave, "d1"), publish(scratch, dave, "d2"), publish(scratch, dave, "d3"));
        }
        evil = Node.bare("evil", 9, workers);
    }

    @AfterEach
    void tearDown() {
        alice.close();
        evil.close();
    }

    private static Message publish(org.conch.feed.store.H2FeedStore store, Identity author, String text) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("type", "post");
        content.put("text", text);
        return store.publish(author, content, org.conch.feed.SignCap.NONE);
    }

    /** Message 2 of carol with its text changed: the signature no longer matches. */
    private Map<String, Object> tampered() {
        Map<String, Object> value = new LinkedHashMap<>(carols.get(1).value());
        Map<String, Object> content = new LinkedHashMap<>((Map<String, Object>) value.get("content"));
        content.put("text", "c2, edited");
        value.put("content", content);
        return value;
    }

    @Test
    void overHistoryStreams() {
        AtomicBoolean carolAborted = new AtomicBoolean();
        evil.registry.source("createHistoryStream", Access.ANYONE, (context, args, stream) -> {
            String id = (String) ((Map<?, ?>) args.get(0)).get("id");
            if (id.equals(carol.id().toString())) {
                stream.write(carols.get(0).value());
                stream.write(tampered());
                stream.write(carols.get(2).value());
                return new StreamListener() {
                    @Override
                    public void onItem(Substream s, Object item) {
                    }

                    @Override
                    public void onEnd(Substream s, GossipException error) {
                        carolAborted.set(true);
                    }
                };
            }
            if (id.equals(dave.id().toString())) {
                daves.forEach(m -> stream.write(m.value()));
            }
            return StreamListener.IGNORE;
        });
        try (Connection connection = Connection.open(alice, evil)) {
            Node.await("dave at alice", () -> alice.seq(dave.id()) == 3);
            Node.await("carol's stream aborted by alice", carolAborted::get);
            assertThat(alice.feed(carol.id())).containsExactly(carols.get(0));
            assertThat(alice.store.forks(carol.id())).isEmpty();
            ReplicationStatus.Feed status = connection.statusAtDialler().feeds().stream()
                    .filter(f -> f.feed().equals(carol.id().toString())).findFirst().orElseThrow();
            assertThat(status.state()).startsWith("stopped").contains("signature");
        }
    }

    @Test
    void overEbt() {
        evil.registry.duplex("ebt.replicate", Access.ANYONE, (context, args, stream) -> {
            Map<String, Object> notes = new LinkedHashMap<>();
            notes.put(carol.id().toString(), (double) VectorClock.encode(3, false));
            notes.put(dave.id().toString(), (double) VectorClock.encode(3, false));
            stream.write(notes);
            return (s, item) -> {
                if (item instanceof Map<?, ?> theirNotes && theirNotes.containsKey(dave.id().toString())) {
                    s.write(carols.get(0).value());
                    s.write(tampered());
                    s.write(carols.get(2).value());
                    daves.forEach(m -> s.write(m.value()));
                }
            };
        });
        try (Connection connection = Connection.open(alice, evil)) {
            Node.await("dave at alice", () -> alice.seq(dave.id()) == 3);
            Node.await("alice's -1 for carol", () -> connection.wire.a.sent.stream().anyMatch(p ->
                    p.value() instanceof Map<?, ?> m && Double.valueOf(-1).equals(m.get(carol.id().toString()))));
            assertThat(alice.feed(carol.id())).containsExactly(carols.get(0));
            assertThat(connection.statusAtDialler().mode()).isEqualTo("ebt");
        }
    }
}
