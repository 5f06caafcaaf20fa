package org.conch.server.interop;

import org.conch.feed.FeedId;
import org.conch.feed.json.CanonicalJson;
import org.conch.feed.json.Json;
import org.conch.feed.store.H2FeedStore;
import org.conch.server.interop.RealPeer.Stack;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    @CsvSource({"CLASSIC, false", "CLASSIC, true", "MANYVERSE, false", "MANYVERSE, true"})
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
            } finally {
                ConchProcess.stop(server);
            }
            assertSameFeeds(data, peer, conchId);
        }
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
