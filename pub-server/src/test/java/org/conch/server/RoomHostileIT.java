package org.conch.server;

import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.gossip.muxrpc.Packet;
import org.conch.gossip.shs.SecretHandshake;
import org.conch.server.config.DataDirectory;
import org.conch.server.config.ServerConfig;
import org.conch.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile attendants of a conch room, over real sockets: one that asks for tunnels to itself again and again,
 * one that attends and never reads what it is sent. Each is cut, and two well-behaved attendants still reach
 * each other through the room afterwards.
 */
class RoomHostileIT {
    @RegisterExtension
    final BlockedEventLoops loops = new BlockedEventLoops();

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final byte[] NETWORK_KEY = SecretHandshake.mainNetworkKey();

    @TempDir
    Path data;

    private ConchServer room;
    private final List<HostileClient> clients = new ArrayList<>();

    @BeforeEach
    void startTheRoom() throws Exception {
        Identity.generate().save(data.resolve("secret"));
        room = loops.start(ServerConfig.load(data, Map.of(), Map.of("host", "127.0.0.1", "port", "0", "http-port", "-1",
                "lan", "false", "room", "true", "room-stall-timeout", "500",
                "room-tunnel-bytes-per-second", Long.toString(256L << 20))), new DataDirectory(data));
    }

    @AfterEach
    void stop() throws Exception {
        for (HostileClient client : clients) client.close();
        if (room != null) room.close();
    }

    private HostileClient connect(boolean reading) throws Exception {
        HostileClient client = HostileClient.handshake(room.gossipPort(), NETWORK_KEY, room.identity().id(), Identity.generate(), reading);
        clients.add(client);
        return client;
    }

    /** Subscribes to room.attendants, which makes the client an attendant. */
    private static void attend(HostileClient client) throws Exception {
        client.send(client.streamRequest("room.attendants", "source"));
    }

    private void awaitAttending(HostileClient... clients) {
        List<FeedId> ids = java.util.Arrays.stream(clients).map(c -> c.identity().id()).toList();
        Await.until("attendants " + ids, DEADLINE, () -> room.room().attendants(), now -> now.containsAll(ids));
    }

    private static Packet tunnelRequest(HostileClient client, FeedId target) {
        return client.streamRequest("tunnel.connect", "duplex", Map.of("target", target.toString()));
    }

    @Test
    void anAttendantAskingForTunnelsToItselfIsCut() throws Exception {
        HostileClient mallory = connect(true);
        attend(mallory);
        awaitAttending(mallory);
        List<Packet> requests = new ArrayList<>();
        for (int i = 0; i < 40; i++) requests.add(tunnelRequest(mallory, mallory.identity().id()));
        mallory.send(requests);

        assertThat(mallory.closed().get(DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isNotNull();
        Await.until("mallory gone from the room", DEADLINE, () -> room.room().attendants(),
                now -> !now.contains(mallory.identity().id()));
        theOthersStillReachEachOther();
    }

    @Test
    void anAttendantThatNeverReadsItsTunnelIsCutAndTheSenderGoesOn() throws Exception {
        HostileClient lazy = connect(false);
        HostileClient alice = connect(true);
        attend(lazy);
        awaitAttending(lazy);
        Packet tunnel = tunnelRequest(alice, lazy.identity().id());
        alice.send(tunnel);
        // far more than the sockets between the room and lazy hold: the room's writes to lazy back up
        CompletableFuture<Void> flood = CompletableFuture.runAsync(() -> {
            try {
                List<Packet> chunks = new ArrayList<>();
                for (int i = 0; i < 512; i++) chunks.add(Packet.of(true, false, tunnel.request(), new byte[64 * 1024]));
                alice.send(chunks);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        Await.until("lazy cut by the room", DEADLINE, () -> room.node().connections().stream()
                .noneMatch(c -> lazy.identity().id().equals(c.remoteId())));
        Await.until("alice's flood taken by the room once the tunnel is over", DEADLINE, flood::isDone);
        assertThat(flood).isCompleted();
        assertThat(alice.await(p -> p.request() == -tunnel.request() && p.end(), DEADLINE))
                .as("alice's tunnel ends").isNotNull();
        theOthersStillReachEachOther();
    }

    /** Two well-behaved attendants: a tunnel between them carries bytes both ways. */
    private void theOthersStillReachEachOther() throws Exception {
        HostileClient alice = connect(true);
        HostileClient bob = connect(true);
        attend(bob);
        awaitAttending(bob);
        Packet tunnel = tunnelRequest(alice, bob.identity().id());
        alice.send(tunnel);
        Packet opened = bob.await(p -> p.request() > 0 && p.stream() && p.value() instanceof Map<?, ?> body
                && List.of("tunnel", "connect").equals(body.get("name")), DEADLINE);
        assertThat(opened).as("the room opens tunnel.connect on bob").isNotNull();
        @SuppressWarnings("unchecked")
        Map<String, Object> options = (Map<String, Object>) ((List<Object>) ((Map<?, ?>) opened.value()).get("args")).get(0);
        assertThat(options).containsEntry("origin", alice.identity().id().toString())
                .containsEntry("target", bob.identity().id().toString());

        alice.send(Packet.of(true, false, tunnel.request(), new byte[]{1, 2, 3}));
        Packet atBob = bob.await(p -> p.request() == opened.request() && p.value() instanceof byte[], DEADLINE);
        assertThat(atBob).isNotNull();
        assertThat((byte[]) atBob.value()).containsExactly(1, 2, 3);
        bob.send(Packet.of(true, false, -opened.request(), new byte[]{4, 5}));
        Packet atAlice = alice.await(p -> p.request() == -tunnel.request() && p.value() instanceof byte[], DEADLINE);
        assertThat(atAlice).isNotNull();
        assertThat((byte[]) atAlice.value()).containsExactly(4, 5);
    }
}
