package org.conch.gossip.room;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.gossip.muxrpc.MethodRegistry;
import org.conch.gossip.muxrpc.MethodRegistry.Access;
import org.conch.gossip.net.GossipConfig;
import org.conch.gossip.net.Futures;
import org.conch.gossip.net.GossipNode;
import org.conch.gossip.net.PeerConnection;
import org.conch.gossip.net.TunnelTransport;
import org.conch.gossip.shs.SecretHandshake;
import org.conch.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * conch attending a room that is a test double: the room opens {@code tunnel.connect {portal, target, origin}} to
 * conch and runs another peer's secret handshake inside it, naming that peer truthfully or not.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class RoomClientIT {
    private static final byte[] TEST_NETWORK = new byte[SecretHandshake.NETWORK_KEY_SIZE];

    static {
        new Random(9009).nextBytes(TEST_NETWORK);
    }

    private Vertx vertx;
    private final List<GossipNode> nodes = new ArrayList<>();
    private GossipNode room;
    private GossipNode member;
    private RoomClient roomClient;
    private PeerConnection roomToMember;

    @BeforeEach
    void conchAttendsTheRoom() throws Exception {
        vertx = Vertx.vertx();
        room = node(Identity.generate()).methods(roomMethods());
        member = node(Identity.generate());
        roomClient = new RoomClient(member, feed -> false);
        member.methods(new MethodRegistry().duplex("tunnel.connect", Access.ANYONE, roomClient::answer))
                .onConnection(roomClient::probe);
        room.listen().await(10, TimeUnit.SECONDS);
        member.connect(room.address("127.0.0.1")).await(10, TimeUnit.SECONDS);
        Await.until("conch attends the room", () -> !roomClient.rooms().isEmpty());
        roomToMember = room.connections().iterator().next();
    }

    @AfterEach
    void stop() throws Exception {
        for (GossipNode node : nodes) {
            node.close().await(10, TimeUnit.SECONDS);
        }
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void aTunnelFromThePeerTheRoomNamesIsAnswered() throws Exception {
        GossipNode caller = node(Identity.generate());

        PeerConnection toMember = tunnelThroughTheRoom(caller, caller.id()).await(10, TimeUnit.SECONDS);

        assertThat(toMember.remoteId()).isEqualTo(member.id());
        Await.until("conch holds the tunnel from the caller", () -> member.connections().stream()
                .anyMatch(connection -> connection.isTunnel() && caller.id().equals(connection.remoteId())));
    }

    @Test
    void aTunnelWhoseHandshakeProvesAnotherPeerThanTheRoomNamedIsRefused() throws Exception {
        GossipNode impostor = node(Identity.generate());
        FeedId named = Identity.generate().id();

        Throwable refused = Futures.failureOf(tunnelThroughTheRoom(impostor, named), Duration.ofSeconds(10));

        // conch refuses the client's key at msg3 and closes the tunnel, so the impostor sees only the close
        assertThat(refused).as("the impostor's tunnel").hasMessageContaining("closed the connection during the handshake");
        assertThat(member.connections()).noneMatch(PeerConnection::isTunnel);
        assertThat(roomToMember.isOpen()).as("the room's own connection stays up").isTrue();
    }

    /** The room opens {@code tunnel.connect} to conch naming {@code origin}; {@code dialler} handshakes inside it. */
    private Future<PeerConnection> tunnelThroughTheRoom(GossipNode dialler, FeedId origin) {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("portal", room.id().toString());
        options.put("target", member.id().toString());
        options.put("origin", origin.toString());
        Promise<PeerConnection> dialled = Promise.promise();
        roomToMember.runOnContext(() -> {
            TunnelTransport tunnel = new TunnelTransport("tunnel:" + room.id() + ":" + origin);
            tunnel.attach(roomToMember.session().duplex("tunnel.connect", List.of(options), tunnel));
            dialler.dialTunnel(tunnel, member.id()).onComplete(dialled);
        });
        return dialled.future();
    }

    /** What conch asks a room before it attends: a rooms 2 room with an attendants stream that stays open. */
    private static MethodRegistry roomMethods() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", "a test double");
        metadata.put("membership", false);
        metadata.put("features", List.of("tunnel", "room2"));
        return new MethodRegistry()
                .async("tunnel.isRoom", Access.ANYONE, (context, args) -> CompletableFuture.completedFuture(metadata))
                .source("room.attendants", Access.ANYONE, (context, args, stream) -> {
                    stream.write(Map.of("type", "state", "ids", List.of()));
                    return null;
                });
    }

    private GossipNode node(Identity identity) {
        GossipConfig config = GossipConfig.defaults().withHost("127.0.0.1").withPort(0).withNetworkKey(TEST_NETWORK);
        GossipNode node = GossipNode.create(vertx, identity, config);
        nodes.add(node);
        return node;
    }
}
