package org.conch.server.interop;

import org.conch.feed.FeedId;
import org.conch.feed.FeedState;
import org.conch.feed.json.Json;
import org.conch.feed.Identity;
import org.conch.feed.testing.Messages;
import org.conch.gossip.net.PeerConnection;
import org.conch.server.BlockedEventLoops;
import org.conch.server.ConchServer;
import org.conch.server.InProcessConch;
import org.conch.server.config.DataDirectory;
import org.conch.server.config.ServerConfig;
import org.conch.testing.Await;
import org.conch.testing.JsonLinesProcess;
import org.conch.testing.RealPeer;
import org.conch.testing.RealPeer.Stack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * conch as a client of a real ssb-room 1.3.0 server from npm (scripts/interop/room.js): it attends the room (tunnel.isRoom,
 * tunnel.announce, tunnel.endpoints) and replicates in both directions with a Manyverse-stack peer with ssb-room-client
 * 2.0.2 that it reaches only through the room: neither is ever given the other's address. Once conch dials the peer
 * through a tunnel (the peer is within its hops), once the peer dials conch through the room and conch answers.
 */
class RoomClientInteropIT {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @RegisterExtension
    final BlockedEventLoops loops = new BlockedEventLoops();

    @TempDir
    Path work;

    @Test
    void conchOpensATunnelThroughAnSsbRoom1ToAPeerItFollowsAndTheyReplicateBothWays() throws Exception {
        try (JsonLinesProcess room = startSsbRoom(work.resolve("ssb-room"));
             RealPeer alice = RealPeer.start(Stack.MANYVERSE, work.resolve("alice"), List.of("--room-client", "true"))) {
            String roomAddress = (String) room.ready().get("address");
            FeedId roomId = FeedId.parse((String) room.ready().get("id"));
            alice.call("room.connect", Map.of("address", roomAddress));
            awaitEndpoints(room, alice.id());
            try (ConchServer conch = startConch(work.resolve("conch"), "connect", roomAddress)) {
                String conchId = conch.identity().id().toString();
                alice.follow(conchId);
                alice.publishPost("hello conch, from alice behind the room");
                await(conch.publish(Messages.follow(FeedId.parse(alice.id()))));
                await(conch.publish(Messages.post("hello alice, from conch behind the room")));

                PeerConnection tunnel = Await.until("conch connected to alice through the room", PATIENCE,
                        () -> connectionTo(conch, alice.id()), connection -> connection != null);

                assertThat(tunnel.isTunnel()).isTrue();
                assertThat(tunnel.isClient()).as("conch dialled").isTrue();
                assertThat(tunnel.remoteAddress()).isEqualTo("tunnel:" + roomId + ":" + alice.id());
                assertThat(conch.roomClient().attendants(roomId)).contains(FeedId.parse(alice.id()));
                alice.waitFor(conchId, 2, 60_000); // conch's follow and post
                awaitSequence(conch, alice.id(), 2); // alice's follow and post
                assertThat(alice.keys(conchId)).hasSize(2);
            }
        }
    }

    @Test
    void aPeerDialsConchThroughAnSsbRoom1AndConchAnswersTheTunnel() throws Exception {
        try (JsonLinesProcess room = startSsbRoom(work.resolve("ssb-room"));
             RealPeer alice = RealPeer.start(Stack.MANYVERSE, work.resolve("alice"), List.of("--room-client", "true"));
             ConchServer conch = startConch(work.resolve("conch"), "connect", (String) room.ready().get("address"))) {
            String roomId = (String) room.ready().get("id");
            String conchId = conch.identity().id().toString();
            // alice is not within conch's hops yet, so conch opens no tunnel of its own: alice's is the only one
            await(conch.publish(Messages.post("hello whoever reaches me through the room")));
            alice.follow(conchId);
            alice.publishPost("hello conch, I dialled you through the room");
            awaitEndpoints(room, conchId);
            alice.call("room.connect", Map.of("address", room.ready().get("address")));
            awaitEndpoints(room, alice.id());

            Object reached = alice.call("connect", Map.of("address",
                    "tunnel:" + roomId + ":" + conchId + "~shs:" + conch.identity().id().base64()));

            assertThat(reached).asString().contains(conchId);
            PeerConnection tunnel = Await.until("conch answering alice's tunnel", PATIENCE,
                    () -> connectionTo(conch, alice.id()), connection -> connection != null);
            assertThat(tunnel.isTunnel()).isTrue();
            assertThat(tunnel.isClient()).as("alice dialled").isFalse();
            alice.waitFor(conchId, 1, 60_000);
            // following alice now, conch asks for her feed over the tunnel she opened
            await(conch.publish(Messages.follow(FeedId.parse(alice.id()))));
            awaitSequence(conch, alice.id(), 2);
            assertThat(connectionTo(conch, alice.id())).as("still the one tunnel, not a second of conch's").isSameAs(tunnel);
        }
    }

    /**
     * {@code conch connect tunnel:@ROOM:@TARGET~shs:KEY} reaches an attendant outside conch's hops through the room, and
     * {@code /api/status} (the Peers page) and {@code conch status} list the room's attendants and which are connected.
     */
    @Test
    void conchConnectWithATunnelAddressReachesAnAttendantThroughTheRoom() throws Exception {
        try (JsonLinesProcess room = startSsbRoom(work.resolve("ssb-room"));
             RealPeer alice = RealPeer.start(Stack.MANYVERSE, work.resolve("alice"), List.of("--room-client", "true"));
             ConchServer conch = startConch(work.resolve("conch"), "connect", (String) room.ready().get("address"),
                     "http-port", "0")) {
            FeedId roomId = FeedId.parse((String) room.ready().get("id"));
            String conchId = conch.identity().id().toString();
            await(conch.publish(Messages.post("hello alice, whom I do not follow")));
            alice.follow(conchId);
            alice.call("room.connect", Map.of("address", room.ready().get("address")));
            Await.until("conch seeing alice attend", PATIENCE, () -> conch.roomClient().attendants(roomId),
                    attendants -> attendants.contains(FeedId.parse(alice.id())));
            assertThat(connectionTo(conch, alice.id())).as("alice is outside conch's hops: no tunnel of its own").isNull();

            InProcessConch.Run run = InProcessConch.conch(conch.dataDirectory().root(), "connect",
                    "tunnel:" + roomId + ":" + alice.id() + "~shs:" + FeedId.parse(alice.id()).base64());

            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.out()).contains("connected to " + alice.id());
            assertThat(connectionTo(conch, alice.id()).isTunnel()).isTrue();
            alice.waitFor(conchId, 1, 60_000);
            String status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + conch.httpPort() + "/api/status")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(Json.parseObject(status).get("rooms")).isEqualTo(List.of(Map.of("room", roomId.toString(),
                    "name", "test room 1", "protocol", "rooms1", "attendants", List.of(Map.of("id", alice.id(), "connected", true)))));
            assertThat(InProcessConch.conch(conch.dataDirectory().root(), "status").out()).contains(
                    "room " + roomId + " \"test room 1\" (rooms 1): 1 other attendant, 1 connected\n  " + alice.id() + "  connected\n");
        }
    }

    /** The rooms 2 path: a conch room server, whose room.attendants conch follows (state, then joined). */
    @Test
    void conchReachesAPeerThroughARooms2RoomByItsAttendants() throws Exception {
        try (ConchServer room = startConch(work.resolve("room"), "room", "true", "name", "rooms 2 room");
             RealPeer alice = RealPeer.start(Stack.MANYVERSE, work.resolve("alice"), List.of("--room-client", "true"));
             ConchServer conch = startConch(work.resolve("conch"), "connect", room.address().toString())) {
            FeedId roomId = room.identity().id();
            String conchId = conch.identity().id().toString();
            Await.until("conch attending the conch room", PATIENCE, () -> room.room().attendants(),
                    attendants -> attendants.contains(conch.identity().id()));
            alice.follow(conchId);
            await(conch.publish(Messages.follow(FeedId.parse(alice.id()))));

            alice.call("room.connect", Map.of("address", room.address().toString()));

            PeerConnection tunnel = Await.until("conch connected to alice through the room", PATIENCE,
                    () -> connectionTo(conch, alice.id()), connection -> connection != null);
            assertThat(tunnel.isTunnel()).isTrue();
            assertThat(tunnel.remoteAddress()).isEqualTo("tunnel:" + roomId + ":" + alice.id());
            assertThat(conch.roomClient().rooms()).singleElement().satisfies(about -> assertThat(about)
                    .containsEntry("room", roomId.toString()).containsEntry("name", "rooms 2 room").containsEntry("protocol", "rooms2")
                    .containsEntry("attendants", List.of(Map.of("id", alice.id(), "connected", true))));
            alice.waitFor(conchId, 1, 60_000);
            awaitSequence(conch, alice.id(), 1);
            assertThat(room.store().messageCount()).as("the room relays; it stores none of their messages").isZero();
        }
    }

    /** A conch that is a room itself still answers a tunnel from a room it attends (tunnel.connect with an origin). */
    @Test
    void aConchThatIsARoomItselfAnswersATunnelFromTheRoomItAttends() throws Exception {
        try (ConchServer room = startConch(work.resolve("room"), "room", "true");
             RealPeer alice = RealPeer.start(Stack.MANYVERSE, work.resolve("alice"), List.of("--room-client", "true"));
             ConchServer conch = startConch(work.resolve("conch"), "room", "true", "connect", room.address().toString())) {
            String roomId = room.identity().id().toString();
            String conchId = conch.identity().id().toString();
            await(conch.publish(Messages.post("hello from a conch that is a room too")));
            alice.follow(conchId);
            Await.until("conch attending the room", PATIENCE, () -> room.room().attendants(),
                    attendants -> attendants.contains(conch.identity().id()));
            alice.call("room.connect", Map.of("address", room.address().toString()));
            Await.until("alice attending the room", PATIENCE, () -> room.room().attendants(),
                    attendants -> attendants.contains(FeedId.parse(alice.id())));

            Object reached = alice.call("connect", Map.of("address",
                    "tunnel:" + roomId + ":" + conchId + "~shs:" + conch.identity().id().base64()));

            assertThat(reached).asString().contains(conchId);
            assertThat(connectionTo(conch, alice.id()).isTunnel()).isTrue();
            alice.waitFor(conchId, 1, 60_000);
        }
    }

    /** ssb-room 1.3.0 on a free loopback port, in {@code dir}. */
    private static JsonLinesProcess startSsbRoom(Path dir) throws Exception {
        Files.createDirectories(dir);
        int port = RealPeer.freePort();
        return JsonLinesProcess.start(List.of("node", RealPeer.interopDirectory().resolve("room.js").toString(),
                "--dir", dir.resolve("ssb").toString(), "--port", String.valueOf(port), "--name", "test room 1"),
                dir.resolve("room.log"), "ssb-room on port " + port);
    }

    private static void awaitEndpoints(JsonLinesProcess room, String attendant) {
        Await.until(attendant + " attending the ssb-room", PATIENCE, () -> room.call("endpoints", Map.of(), 30),
                endpoints -> endpoints instanceof List<?> ids && ids.contains(attendant));
    }

    private ConchServer startConch(Path data, String... settings) throws Exception {
        Identity.generate().save(data.resolve("secret"));
        Map<String, String> flags = new HashMap<>(Map.of("host", "127.0.0.1", "port", "0", "lan", "false", "http-port", "-1"));
        for (int i = 0; i + 1 < settings.length; i += 2) flags.put(settings[i], settings[i + 1]);
        return loops.start(ServerConfig.load(data, Map.of(), flags), new DataDirectory(data));
    }

    private static PeerConnection connectionTo(ConchServer conch, String peer) {
        return conch.node().connections().stream().filter(c -> FeedId.parse(peer).equals(c.remoteId())).findFirst().orElse(null);
    }

    private static void awaitSequence(ConchServer conch, String feed, long sequence) {
        Await.until("conch holding " + feed + " up to " + sequence, PATIENCE,
                () -> conch.store().state(FeedId.parse(feed)).map(FeedState::sequence).orElse(0L), seq -> seq >= sequence);
    }

    private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
