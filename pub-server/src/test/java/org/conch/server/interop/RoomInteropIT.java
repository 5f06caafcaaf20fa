package org.conch.server.interop;

import org.conch.server.BlockedEventLoops;
import org.conch.server.ConchServer;
import org.conch.server.config.DataDirectory;
import org.conch.server.config.ServerConfig;
import org.conch.feed.Identity;
import org.conch.testing.Await;
import org.conch.testing.RealPeer;
import org.conch.testing.RealPeer.Stack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.conch.feed.FeedId;
import org.conch.server.cli.ConchCommand;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * conch as a room server for real Manyverse-stack peers with ssb-room-client 2.0.2: two attendants that
 * were never told each other's address meet in the room and replicate each other's feeds through a tunnel.
 */
class RoomInteropIT {
    @RegisterExtension
    final BlockedEventLoops loops = new BlockedEventLoops();

    @TempDir
    Path work;

    @Test
    void twoAttendantsReplicateThroughAConchRoom() throws Exception {
        Path data = work.resolve("room");
        try (ConchServer room = startRoom(data, "http-port", "-1", "name", "test room");
             RealPeer alice = RealPeer.start(Stack.MANYVERSE, work.resolve("alice"), List.of("--room-client", "true"));
             RealPeer bob = RealPeer.start(Stack.MANYVERSE, work.resolve("bob"), List.of("--room-client", "true"))) {
            String roomAddress = room.address().toString();
            String roomId = room.identity().id().toString();
            alice.follow(bob.id());
            bob.follow(alice.id());
            alice.publishPost("hello from alice, through the room");
            bob.publishPost("hello from bob, through the room");

            alice.call("room.connect", Map.of("address", roomAddress));
            bob.call("room.connect", Map.of("address", roomAddress));
            Await.until("alice and bob attending the conch room", Duration.ofSeconds(30), () -> room.room().attendants(),
                    attendants -> attendants.size() == 2);
            Await.until("alice learning from room.attendants that bob attends", Duration.ofSeconds(30),
                    () -> alice.call("room.attendants", Map.of("room", roomId)),
                    attendants -> attendants instanceof List<?> ids && ids.contains(bob.id()));

            // the tunnel address ssb-room-client gives an attendant: only the room's key and bob's
            String bobInTheRoom = "tunnel:" + roomId + ":" + bob.id() + "~shs:" + bob.id().substring(1, bob.id().length() - 8);
            Object connected = alice.call("connect", Map.of("address", bobInTheRoom));
            assertThat(connected).asString().contains(bob.id());

            alice.waitFor(bob.id(), 2, 60_000); // bob's follow of alice and his post
            bob.waitFor(alice.id(), 2, 60_000);
            assertThat(alice.keys(bob.id())).isEqualTo(bob.keys(bob.id()));
            assertThat(bob.keys(alice.id())).isEqualTo(alice.keys(alice.id()));
            assertThat(room.store().messageCount()).as("the room relays; it stores none of their messages").isZero();
        }
    }

    /**
     * A community room: `conch room invite create` makes an HTTP invite; its /join page carries the
     * claim-http-invite link, which ssb-http-invite-client 1.0.1 claims; the newcomer is then a member
     * (`conch room members`) and may attend the room, which only members may in community mode.
     */
    @Test
    void aNewcomerClaimsAnHttpInviteAndBecomesAMember() throws Exception {
        Path data = work.resolve("room");
        try (ConchServer room = startRoom(data, "http-port", "0", "room-mode", "community", "name", "community room");
             RealPeer newcomer = RealPeer.start(Stack.MANYVERSE, work.resolve("newcomer"), List.of("--room-client", "true"))) {
            String url = conch(data, "room", "invite", "create").trim();
            assertThat(url).startsWith("http://127.0.0.1:" + room.httpPort() + "/join?invite=");
            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            Matcher link = Pattern.compile("href=\"(ssb:experimental\\?action=claim-http-invite[^\"]*)\"").matcher(page.body());
            assertThat(link.find()).as(page.body()).isTrue();
            assertThat(conch(data, "room", "members")).doesNotContain(newcomer.id());

            Object address = newcomer.call("room.claimInvite", Map.of("uri", link.group(1).replace("&amp;", "&")));

            assertThat(address).isEqualTo(room.address().toString());
            assertThat(conch(data, "room", "members")).contains(newcomer.id());
            newcomer.call("room.connect", Map.of("address", room.address().toString()));
            Await.until("the new member attending the community room", Duration.ofSeconds(30), () -> room.room().attendants(),
                    attendants -> attendants.contains(FeedId.parse(newcomer.id())));
            assertThatThrownBy(() -> newcomer.call("room.claimInvite", Map.of("uri", url))).as("a used invite")
                    .hasMessageContaining("failed (404)");
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + room.httpPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("conch_room_attendants 1.0", "conch_room_tunnels 0.0", "conch_room_refusals_total");
        }
    }

    /**
     * A real client registers an alias with ssb-room-client (its signature checked by the room); the alias page
     * resolves it, and another real client reaches the alias's owner through the room from the page's URL.
     * Once revoked, the alias resolves no more.
     */
    @Test
    void anAliasRegisteredByARealClientResolves() throws Exception {
        Path data = work.resolve("room");
        try (ConchServer room = startRoom(data, "http-port", "0", "name", "alias room");
             RealPeer alice = RealPeer.start(Stack.MANYVERSE, work.resolve("alice"), List.of("--room-client", "true"));
             RealPeer bob = RealPeer.start(Stack.MANYVERSE, work.resolve("bob"), List.of("--room-client", "true"))) {
            String roomId = room.identity().id().toString();
            alice.call("room.connect", Map.of("address", room.address().toString()));
            Await.until("alice attending", Duration.ofSeconds(30), () -> room.room().attendants(),
                    attendants -> attendants.contains(FeedId.parse(alice.id())));

            Object url = alice.call("room.registerAlias", Map.of("room", roomId, "alias", "alice"));

            assertThat(url).isEqualTo("http://127.0.0.1:" + room.httpPort() + "/alias/alice");
            String resolved = get(url + "?encoding=json").body();
            assertThat(resolved).contains("\"userId\":\"" + alice.id() + "\"", "\"roomId\":\"" + roomId + "\"");
            assertThat(get((String) url).body()).contains("ssb:experimental?action=consume-alias&amp;alias=alice");
            bob.call("room.connect", Map.of("address", room.address().toString()));
            Await.until("bob attending", Duration.ofSeconds(30), () -> room.room().attendants(),
                    attendants -> attendants.contains(FeedId.parse(bob.id())));
            assertThatThrownBy(() -> bob.call("room.registerAlias", Map.of("room", roomId, "alias", "alice")))
                    .hasMessageContaining("the alias alice is taken");

            Object reached = bob.call("room.consumeAlias", Map.of("uri", url));
            assertThat(reached).asString().contains(alice.id());

            assertThat(alice.call("room.revokeAlias", Map.of("room", roomId, "alias", "alice"))).isEqualTo(true);
            assertThat(get(url + "?encoding=json").statusCode()).isEqualTo(404);
        }
    }

    /** A conch room on loopback in {@code data}, with {@code settings} (key, value, …) on top. */
    private ConchServer startRoom(Path data, String... settings) throws Exception {
        Identity.generate().save(data.resolve("secret"));
        Map<String, String> flags = new java.util.HashMap<>(Map.of("host", "127.0.0.1", "port", "0", "lan", "false", "room", "true"));
        for (int i = 0; i + 1 < settings.length; i += 2) flags.put(settings[i], settings[i + 1]);
        return loops.start(ServerConfig.load(data, Map.of(), flags), new DataDirectory(data));
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String conch(Path data, String... verb) {
        List<String> args = new ArrayList<>(List.of("--data", data.toString()));
        args.addAll(List.of(verb));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = ConchCommand.run(args.toArray(String[]::new), Map.of(), InputStream.nullInputStream(),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).as("conch %s: %s", verb, err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }
}
