package org.conch.server.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.conch.feed.FeedId;
import org.conch.feed.FeedState;
import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.feed.MessageSigner;
import org.conch.feed.SignCap;
import org.conch.feed.json.CanonicalJson;
import org.conch.feed.json.Json;
import org.conch.feed.store.H2FeedStore;
import org.conch.testing.ConchProcess;
import org.conch.testing.RealPeer.Stack;
import org.conch.testing.RealPeer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * conch replicates with real peers from npm — ssb-server 16 (classic stack) and the stack Manyverse
 * runs — in both directions, with either side dialling: afterwards both hold the same message ids in
 * the same order, including a message published while connected and text with hostile characters.
 */
class ReplicationInteropIT {
    private static final int POSTS = 30;

    @TempDir
    Path work;

    @ParameterizedTest(name = "{0} stack, conch dials: {1}")
    @CsvSource({"CLASSIC, false", "CLASSIC, true", "CLASSIC_WITHOUT_EBT, false", "CLASSIC_WITHOUT_EBT, true",
            "MANYVERSE, false", "MANYVERSE, true"})
    void bothSidesEndWithBothFeeds(Stack stack, boolean conchDials) throws Exception {
        try (RealPeer peer = RealPeer.start(stack, work.resolve("peer"))) {
            for (int i = 1; i <= POSTS; i++) {
                peer.publishPost("from " + stack + " #" + i + " \u2028 \ud83d\udc1a \"quoted\" \\ é");
            }
            Path data = work.resolve("conch");
            ConchProcess conch = new ConchProcess(work);
            conch.run("--data", data.toString(), "init");
            Path contents = work.resolve("contents.jsonl");
            List<String> lines = new ArrayList<>();
            lines.add(CanonicalJson.compact(contact(peer.id())));
            for (int i = 1; i <= POSTS; i++) {
                lines.add(CanonicalJson.compact(post("from conch #" + i + " \u0000\u001f \ud800 1e21")));
            }
            Files.write(contents, lines);
            conch.run("--data", data.toString(), "publish", "--from", contents.toString());
            String conchId = conch.run("--data", data.toString(), "whoami").trim();
            peer.follow(conchId);
            int httpPort = RealPeer.freePort();

            List<String> serve = new ArrayList<>(List.of("--data", data.toString(), "--json", "serve", "--host", "127.0.0.1",
                    "--port", String.valueOf(RealPeer.freePort()), "--http-port", String.valueOf(httpPort)));
            if (conchDials) serve.addAll(List.of("--connect", peer.address()));
            Process server = conch.startServer(serve);
            try {
                BufferedReader out = server.inputReader(StandardCharsets.UTF_8);
                String started = out.readLine();
                assertThat(started).as("conch serve's first line; log: %s", conch.serveLog()).isNotNull();
                String conchAddress = (String) Json.parseObject(started).get("address");
                if (!conchDials) peer.connect(conchAddress);

                long conchMessages = POSTS + 1;
                peer.waitFor(conchId, conchMessages, 60_000);
                // Live: published by the peer while connected, it must reach conch too.
                peer.publishPost("live while connected");
                conch.waitUntilConchHas(httpPort, server, peer.id(), POSTS + 2); // posts, its follow of conch, the live one
                Map<?, ?> calls = (Map<?, ?>) peer.call("calls", Map.of());
                Map<?, ?> atConch = replicationWith(httpPort, peer.id());
                assertThat(atConch.get("dialled")).as("conch's status: who dialled").isEqualTo(conchDials);
                if (stack == Stack.CLASSIC_WITHOUT_EBT) {
                    assertThat((Double) calls.get("createHistoryStream")).as("conch fell back to history streams").isPositive();
                    assertThat(atConch.get("mode")).isEqualTo("history");
                } else {
                    // EBT whichever side dialled, and no silent fall back: conch never asked the peer for a history stream
                    assertThat(atConch.get("mode")).as("conch's replication mode with the %s peer", stack).isEqualTo("ebt");
                    assertThat((Double) calls.get("createHistoryStream")).as("history streams conch opened at the peer").isZero();
                    if (conchDials) { // in EBT the dialling side makes the ebt.replicate call
                        assertThat((Double) calls.get("ebt.replicate")).as("conch replicated over EBT").isPositive();
                    }
                }
                assertThat((Double) atConch.get("received")).as("messages conch received from the peer on this connection")
                        .isGreaterThanOrEqualTo(POSTS + 2.0);
            } finally {
                ConchProcess.stop(server);
            }
            assertSameFeeds(data, peer, conchId);
        }
    }

    /**
     * The real peer holds a feed that forks from what conch holds: conch has the peer's messages 1-2 and a
     * different message 3 signed with the peer's own key (as a second device of that identity would make),
     * the peer has its own 1-6. Conch must refuse the peer's 4-6 (they chain to a message 3 conch does not
     * hold), keep its own 3, show the stop in its status, and go on replicating everything else with it.
     */
    @ParameterizedTest(name = "{0} stack")
    @CsvSource({"CLASSIC", "MANYVERSE"})
    void aForkedFeedFromARealPeerIsRefusedAndTheRestStillReplicates(Stack stack) throws Exception {
        try (RealPeer peer = RealPeer.start(stack, work.resolve("peer"))) {
            for (int i = 1; i <= 6; i++) peer.publishPost("the peer's own #" + i);
            Path data = work.resolve("conch");
            ConchProcess conch = new ConchProcess(work);
            initHolding(conch, data, peer.feed(peer.id()).subList(0, 2));
            String forkedKey;
            try (H2FeedStore store = H2FeedStore.open(data.resolve("store"))) {
                org.conch.feed.Identity peersKey = org.conch.feed.Identity.load(work.resolve("peer").resolve("ssb").resolve("secret"));
                forkedKey = store.publish(peersKey, post("a different #3, signed elsewhere"), org.conch.feed.SignCap.NONE)
                        .key().toString();
            }
            conch.run("--data", data.toString(), "follow", peer.id());
            conch.run("--data", data.toString(), "publish", "--type", "post", "--text", "conch's own");
            String conchId = conch.run("--data", data.toString(), "whoami").trim();
            peer.follow(conchId);

            int httpPort = RealPeer.freePort();
            Process server = conch.startServer(List.of("--data", data.toString(), "--json", "serve", "--host", "127.0.0.1",
                    "--port", String.valueOf(RealPeer.freePort()), "--http-port", String.valueOf(httpPort),
                    "--connect", peer.address(), "--log-format", "json"));
            try {
                assertThat(server.inputReader(StandardCharsets.UTF_8).readLine()).as("log: %s", conch.serveLog()).isNotNull();
                peer.waitFor(conchId, 2, 60_000); // conch's follow and post reach the peer over the same connection
                Map<?, ?> stopped = awaitFeedStopped(conch, httpPort, server, peer.id());
                assertThat((String) stopped.get("state")).as("status of the forked feed").startsWith("stopped");
                peer.publishPost("published after the fork was found");
                conch.run("--data", data.toString(), "publish", "--type", "post", "--text", "conch, still connected");
                peer.waitFor(conchId, 3, 60_000);
            } finally {
                ConchProcess.stop(server);
            }
            try (H2FeedStore store = H2FeedStore.open(data.resolve("store"))) {
                List<String> held = new ArrayList<>();
                store.forEachInFeed(FeedId.parse(peer.id()), 1, 0, stored -> held.add(stored.message().key().toString()));
                List<String> peersOwn = peer.keys(peer.id());
                assertThat(held).as("the peer's 1-2, then conch's own 3; none of the peer's 4-7")
                        .containsExactly(peersOwn.get(0), peersOwn.get(1), forkedKey);
            }
            List<JsonNode> refusals = new ArrayList<>();
            for (String line : conch.serveLog().split("\n")) {
                JsonNode event = new ObjectMapper().readTree(line); // every line of a JSON log is an object
                if (event.path("message").asText().matches("(?i).*(invalid|fork|previous).*")) refusals.add(event);
            }
            assertThat(refusals).as("a log line names the peer and the feed; log:%n%s", conch.serveLog()).isNotEmpty()
                    .allSatisfy(event -> {
                        assertThat(event.get("level").asText()).isEqualTo("WARN");
                        assertThat(event.get("peer").asText()).isEqualTo(peer.id());
                        assertThat(event.get("feed").asText()).isEqualTo(peer.id());
                        assertThat(event.get("seq").asLong()).as("the message refused: after conch's own 3").isGreaterThanOrEqualTo(3);
                        assertThat(event.get("reason").asText()).containsPattern("(?i)fork|previous");
                        assertThat(event.get("message").asText()).contains(peer.id());
                    });
        }
    }

    /**
     * Three parties, two stacks: a real peer (the holder) has a feed that forks from the one conch holds, and conch sits
     * between it and a real peer of the other stack (the receiver), which follows conch and nobody else. The feed is a
     * third identity's: conch holds its 1-2 and a message 3 of one version, the holder 1-5 with another 3. Conch asks
     * the holder for what follows its own 3 and must refuse the holder's 4-5 (they chain to the other 3), so it never
     * passes on any of the holder's 3-5, while the holder's own feed, and the forked feed as far as conch holds it,
     * reach the receiver: two hops from it, through conch's follows alone (the holder and the receiver never connect).
     */
    @ParameterizedTest(name = "{0} -> conch -> {1}")
    @CsvSource({"CLASSIC, MANYVERSE", "MANYVERSE, CLASSIC"})
    void aForkHeldByARealPeerIsNotRelayedToAPeerOfTheOtherStackWhileTheHonestFeedsAre(Stack holderStack, Stack receiverStack)
            throws Exception {
        Identity third = Identity.generate();
        List<Message> holdersVersion = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            FeedState previous = i == 1 ? null : FeedState.of(holdersVersion.get(i - 2));
            holdersVersion.add(MessageSigner.sign(third, previous, post("#" + i), i, SignCap.NONE));
        }
        Message conchsThird = MessageSigner.sign(third, FeedState.of(holdersVersion.get(1)), post("another #3"), 3.5, SignCap.NONE);
        List<Message> conchsVersion = List.of(holdersVersion.get(0), holdersVersion.get(1), conchsThird);
        String forkedFeed = third.id().toString();
        try (RealPeer holder = RealPeer.start(holderStack, work.resolve("holder"));
             RealPeer receiver = RealPeer.start(receiverStack, work.resolve("receiver"))) {
            for (Message message : holdersVersion) holder.call("add", Map.of("msg", message.value()));
            holder.follow(forkedFeed);
            for (int i = 1; i <= 3; i++) holder.publishPost("the holder's own #" + i);

            Path data = work.resolve("conch");
            ConchProcess conch = new ConchProcess(work);
            initHolding(conch, data, conchsVersion.stream().map(Message::value).toList());
            conch.run("--data", data.toString(), "follow", holder.id());
            conch.run("--data", data.toString(), "follow", forkedFeed);
            receiver.follow(conch.run("--data", data.toString(), "whoami").trim());

            int httpPort = RealPeer.freePort();
            Process server = conch.startServer(List.of("--data", data.toString(), "--json", "serve", "--host", "127.0.0.1",
                    "--port", String.valueOf(RealPeer.freePort()), "--http-port", String.valueOf(httpPort),
                    "--connect", holder.address()));
            try {
                String conchAddress = (String) Json.parseObject(server.inputReader(StandardCharsets.UTF_8).readLine()).get("address");
                awaitFeedStopped(conch, httpPort, server, forkedFeed);
                conch.waitUntilConchHas(httpPort, server, holder.id(), holder.latest(holder.id()));
                // The receiver dials conch as it would a pub, once conch holds the holder's feed: ssb-ebt 5 (ssb-server 16)
                // asks a peer for a feed it comes to follow only when that peer's clock for it differs from its own, so
                // one that conch held none of when they connected would wait for the next connection (with ssb-server 16 in
                // conch's place too).
                // The holder's next post then travels live through conch.
                receiver.connect(conchAddress);
                receiver.waitFor(forkedFeed, 3, 60_000);
                holder.publishPost("published after conch refused the fork");
                long holdersLatest = holder.latest(holder.id());
                receiver.waitFor(holder.id(), holdersLatest, 60_000);
                assertThat(receiver.keys(holder.id())).as("the holder's own feed, passed on by conch")
                        .isEqualTo(holder.keys(holder.id()));
                assertThat(receiver.keys(forkedFeed)).as("the forked feed as conch holds it, none of the holder's 3-5")
                        .containsExactlyElementsOf(keys(conchsVersion));
                assertThat(new ArrayList<Object>((List<?>) receiver.call("peers", Map.of()))).as("the receiver's connections")
                        .doesNotContain(holder.id());
            } finally {
                ConchProcess.stop(server);
            }
            try (H2FeedStore store = H2FeedStore.open(data.resolve("store"))) {
                List<String> held = new ArrayList<>();
                store.forEachInFeed(third.id(), 1, 0, stored -> held.add(stored.message().key().toString()));
                assertThat(held).as("what conch could pass on: its own version").containsExactlyElementsOf(keys(conchsVersion));
                // conch asks for the feed after its own 3, so the first of the holder's it sees is 4
                assertThat(store.forks(third.id())).extracting(fork -> fork.key().toString()).as("the holder's 4, refused as a fork")
                        .contains(holdersVersion.get(3).key().toString());
            }
        }
    }

    /** Makes conch's data directory {@code data} and imports {@code values} (message values) into it. */
    private void initHolding(ConchProcess conch, Path data, List<Map<String, Object>> values) throws Exception {
        conch.run("--data", data.toString(), "init");
        Path file = work.resolve("imported.jsonl");
        List<String> lines = new ArrayList<>();
        for (Map<String, Object> value : values) lines.add(CanonicalJson.compact(value));
        Files.write(file, lines);
        conch.run("--data", data.toString(), "import", file.toString());
    }

    private static List<String> keys(List<Message> messages) {
        return messages.stream().map(message -> message.key().toString()).toList();
    }

    /** Waits until conch's status shows the feed's replication with a peer stopped; returns that feed entry. */
    private static Map<?, ?> awaitFeedStopped(ConchProcess conch, int httpPort, Process server, String feed) {
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create("http://127.0.0.1:" + httpPort + "/api/status");
        Map<?, ?> status = conch.awaitFromServer(server, "conch shows the forked feed " + feed + " stopped", Duration.ofSeconds(60),
                () -> Json.parseObject(http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body()),
                reported -> stoppedFeed(reported, feed) != null);
        return stoppedFeed(status, feed);
    }

    /** The feed's entry under some peer in a status reply when its state is stopped, else null. */
    private static Map<?, ?> stoppedFeed(Map<?, ?> status, String feed) {
        Map<?, ?> replication = (Map<?, ?>) status.get("replication");
        for (Object peer : (List<?>) replication.get("peers")) {
            for (Object entry : (List<?>) ((Map<?, ?>) peer).get("feeds")) {
                Map<?, ?> feedStatus = (Map<?, ?>) entry;
                if (feed.equals(feedStatus.get("feed")) && String.valueOf(feedStatus.get("state")).startsWith("stopped")) {
                    return feedStatus;
                }
            }
        }
        return null;
    }

    /** The replication entry of conch's {@code GET /api/status} for its connection with {@code peerId}. */
    private static Map<?, ?> replicationWith(int httpPort, String peerId) throws Exception {
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/api/status"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        List<?> peers = (List<?>) ((Map<?, ?>) Json.parseObject(body).get("replication")).get("peers");
        return peers.stream().map(p -> (Map<?, ?>) p).filter(p -> peerId.equals(p.get("id"))).findFirst()
                .orElseThrow(() -> new AssertionError("no connection with " + peerId + " in conch's status: " + body));
    }

    private void assertSameFeeds(Path data, RealPeer peer, String conchId) throws Exception {
        try (H2FeedStore store = H2FeedStore.open(data.resolve("store"))) {
            for (String feed : List.of(peer.id(), conchId)) {
                List<String> conchKeys = new ArrayList<>();
                store.forEachInFeed(FeedId.parse(feed), 1, 0, stored -> conchKeys.add(stored.message().key().toString()));
                // The peer's own keys: ssb-db2 stores a lone surrogate as U+FFFD, so ids recomputed from the
                // values it hands back would differ from the ids it validated and stored.
                List<String> peerKeys = peer.keys(feed);
                assertThat(conchKeys).as("feed %s: conch's ids vs the peer's", feed).isEqualTo(peerKeys).isNotEmpty();
            }
            assertThat(store.state(FeedId.parse(peer.id())).orElseThrow().sequence()).isEqualTo(POSTS + 2);
        }
    }

    private static Map<String, Object> contact(String feed) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("type", "contact");
        content.put("contact", feed);
        content.put("following", true);
        return content;
    }

    private static Map<String, Object> post(String text) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("type", "post");
        content.put("text", text);
        return content;
    }
}
