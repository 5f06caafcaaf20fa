package org.conch.gossip.replication;

import org.conch.gossip.muxrpc.Caller;
import org.conch.gossip.muxrpc.MethodRegistry;
import org.conch.gossip.muxrpc.RemoteCallException;
import org.conch.gossip.muxrpc.Substream;
import org.conch.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** manifest, whoami, gossip.ping and ebt.clock as served to anonymous peers and to master. */
class HandlersTest {
    @RegisterExtension
    static final WorkerPool workers = new WorkerPool();
    private Node node;
    private Wire anonymous;
    private Wire master;
    private PeerReplication[] attached = new PeerReplication[2];

    @BeforeEach
    void setUp() {
        node = Node.create("node", 7, workers);
        node.posts(node.identity, 3, "post ");
        anonymous = new Wire("peer", new MethodRegistry(), Caller.anonymous(node.id().toString()),
                "node", node.registry, Caller.anonymous(Node.identity(8).id().toString()));
        master = new Wire("cli", new MethodRegistry(), Caller.anonymous(node.id().toString()),
                "node", node.registry, Caller.master(node.id().toString()));
        anonymous.b.run(() -> attached[0] = node.service.attach(anonymous.b.session, anonymous.b.thread, false));
        master.b.run(() -> attached[1] = node.service.attach(master.b.session, master.b.thread, false));
    }

    @AfterEach
    void tearDown() {
        attached[0].close();
        attached[1].close();
        anonymous.close();
        master.close();
        node.close();
    }

    private static Object call(Wire wire, String method, List<?> args) {
        CompletableFuture<Object> result = wire.a.call(() -> wire.a.session.async(method, args));
        try {
            return result.get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new CompletionException(e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void whoamiIsForMasterOnly() {
        assertThat(call(master, "whoami", List.of())).isEqualTo(Map.of("id", node.id().toString()));
        assertThatThrownBy(() -> call(anonymous, "whoami", List.of()))
                .hasCauseInstanceOf(RemoteCallException.class)
                .cause().hasMessage("method:whoami is not in list of allowed methods");
    }

    @Test
    void manifestListsWhatTheCallerMayCall() {
        Map<?, ?> forAnyone = (Map<?, ?>) call(anonymous, "manifest", List.of());
        assertThat(forAnyone.get("createHistoryStream")).isEqualTo("source");
        assertThat(forAnyone.get("ebt")).isEqualTo(Map.of("replicate", "duplex", "clock", "async"));
        assertThat(forAnyone.get("gossip")).isEqualTo(Map.of("ping", "duplex"));
        assertThat(forAnyone.containsKey("whoami")).isFalse();
        Map<?, ?> forMaster = (Map<?, ?>) call(master, "manifest", List.of());
        assertThat(forMaster.get("whoami")).isEqualTo("async");
    }

    @Test
    void ebtClockGivesPlainSequences() {
        Map<?, ?> clock = (Map<?, ?>) call(anonymous, "ebt.clock", List.of(Map.of("format", "classic")));
        assertThat(clock).isEqualTo(Map.of(node.id().toString(), 3.0));
        assertThat(call(anonymous, "ebt.clock", List.of())).isEqualTo(clock);
        assertThatThrownBy(() -> call(anonymous, "ebt.clock", List.of(Map.of("format", "bendybutt-v1"))))
                .cause().hasMessage("Unknown format: bendybutt-v1");
    }

    @Test
    void pingAnswersEachNumberWithTheTime() {
        Collector collector = new Collector();
        Substream[] stream = new Substream[1];
        anonymous.a.run(() -> stream[0] = anonymous.a.session.duplex("gossip.ping", List.of(Map.of("timeout", 300000.0)),
                collector));
        long before = System.currentTimeMillis();
        anonymous.a.run(() -> stream[0].write((double) before));
        collector.awaitItems(1);
        anonymous.a.run(() -> stream[0].write("not a number"));
        anonymous.a.run(() -> stream[0].write((double) before));
        collector.awaitItems(2);
        assertThat(collector.items).hasSize(2);
        assertThat((Double) collector.items.get(0)).isBetween((double) before, System.currentTimeMillis() + 1.0);
        anonymous.a.run(() -> stream[0].end());
        collector.awaitEnd();
        assertThat(collector.error).isNull();
    }

    @Test
    void statusIsJson() {
        ReplicationStatus status = node.service.status().toCompletableFuture().join();
        assertThat(status.peers()).hasSize(2);
        assertThat(status.peers()).allSatisfy(peer -> assertThat(peer.mode()).isEqualTo("waiting"));
        Map<String, Object> json = status.toJson();
        assertThat(json.get("self")).isEqualTo(node.id().toString());
        assertThat(org.conch.feed.json.CanonicalJson.compact(json)).startsWith("{\"self\":");
    }

    @Test
    void aClosedSessionDetachesAtTheNextEventEvenWithoutClose() {
        anonymous.b.run(() -> anonymous.b.session.close("socket gone"));
        assertThat(node.service.peer(anonymous.b.session)).isNotNull();
        node.post("anything");
        Await.until("the dead connection to detach", () -> node.service.peer(anonymous.b.session) == null);
        assertThat(node.service.status().toCompletableFuture().join().peers()).hasSize(1);
    }
}
