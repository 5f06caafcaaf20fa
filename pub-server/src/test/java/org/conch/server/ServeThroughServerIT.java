package org.conch.server;

import org.conch.feed.FeedId;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.conch.feed.Identity;
import org.conch.feed.MessageId;
import org.conch.feed.json.Json;
import org.conch.server.InProcessConch.Run;
import org.conch.server.config.DataDirectory;
import org.conch.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.conch.server.InProcessConch.conch;
import static org.conch.server.InProcessConch.initialise;
import static org.conch.server.InProcessConch.localConfig;

/**
 * While {@code conch serve} runs it holds the store's lock, so the other verbs must act through it: these
 * run the CLI in-process against two running servers and check what they did, then the HTTP gate.
 */
class ServeThroughServerIT {
    @RegisterExtension
    final BlockedEventLoops loops = new BlockedEventLoops();

    @TempDir
    Path alicesData;
    @TempDir
    Path bobsData;

    private ConchServer alice;
    private ConchServer bob;
    private FeedId aliceId;
    private FeedId bobId;

    @BeforeEach
    void startTwoServers() throws Exception {
        aliceId = initialise(alicesData);
        bobId = initialise(bobsData);
        alice = loops.start(localConfig(alicesData), new DataDirectory(alicesData));
        bob = loops.start(localConfig(bobsData), new DataDirectory(bobsData));
    }

    @AfterEach
    void stop() {
        if (alice != null) alice.close();
        if (bob != null) bob.close();
    }

    @Test
    void publishFollowConnectFeedAndStatusWorkWhileTheServersHoldTheirStores() throws Exception {
        Run published = conch(alicesData, "publish", "--type", "post", "--text", "hello from alice");
        assertThat(published.exit()).as(published.err()).isZero();
        MessageId post = MessageId.parse(published.out().strip());
        assertThat(alice.store().get(post)).as("stored by alice's running server").isPresent();

        assertThat(conch(bobsData, "follow", aliceId.toString()).exit()).isZero();
        assertThat(conch(alicesData, "follow", bobId.toString()).exit()).isZero();
        Run connected = conch(alicesData, "connect", bob.address().toString());
        assertThat(connected.exit()).as(connected.err()).isZero();
        assertThat(connected.out()).contains("connected to " + bobId);

        Await.until("alice's post and contact replicated to bob",
                () -> bob.store().state(aliceId).map(state -> state.sequence() == 2).orElse(false));

        Run feed = conch(bobsData, "feed", aliceId.toString());
        assertThat(feed.exit()).as(feed.err()).isZero();
        List<String> lines = feed.out().lines().toList();
        assertThat(lines).hasSize(2); // the post and alice's follow of bob
        assertThat(lines.get(0)).contains(post.toString(), "hello from alice");

        Run status = conch(alicesData, "--json", "status");
        assertThat(status.exit()).as(status.err()).isZero();
        Map<?, ?> json = (Map<?, ?>) Json.parse(status.out().strip());
        assertThat(json.get("running")).isEqualTo(true);
        assertThat(json.get("id")).isEqualTo(aliceId.toString());
        List<?> peers = (List<?>) ((Map<?, ?>) json.get("replication")).get("peers");
        assertThat(peers.stream().map(peer -> (Object) ((Map<?, ?>) peer).get("id")).toList()).containsExactly(bobId.toString());

        Run human = conch(alicesData, "status");
        assertThat(human.out()).contains(aliceId + "  serving at ", bobId.toString());

        // alice: her post and follow, and bob's follow of her (replicated)
        Await.until("bob's follow replicated to alice", () -> alice.store().state(bobId).isPresent());
        String metrics = http(alice.httpPort(), "GET /metrics", "Host: 127.0.0.1:" + alice.httpPort());
        assertThat(metrics).startsWith("HTTP/1.1 200").contains("conch_peers_connected 1.0",
                "conch_messages_appended_total 3.0", "conch_messages_stored 3.0", "jvm_memory_used_bytes");
    }

    @Test
    void exportWhileServingWritesAConsistentSnapshotEvenWhileMessagesKeepArriving() throws Exception {
        List<Object> contents = new java.util.ArrayList<>();
        for (int i = 0; i < 2_000; i++) contents.add(Map.of("type", "post", "text", "before #" + i));
        alice.store().publish(alice.identity(), contents, org.conch.feed.SignCap.NONE);
        Thread publisher = new Thread(() -> {
            for (int i = 0; i < 300; i++) {
                alice.store().publish(alice.identity(), Map.of("type", "post", "text", "during #" + i), org.conch.feed.SignCap.NONE);
            }
        });
        publisher.start();
        Path file = alicesData.resolveSibling(alicesData.getFileName() + "-export.jsonl");
        Run export = conch(alicesData, "export", file.toString());
        publisher.join();
        assertThat(export.exit()).as(export.err()).isZero();
        assertThat(export.out()).startsWith("exported ").contains(" to " + file);
        long lines = Files.lines(file).count();
        assertThat(lines).isBetween(2_000L, 2_300L);
        Run verify = conch(alicesData, "verify", file.toString());
        assertThat(verify.exit()).as("the snapshot is every feed from sequence 1 without a gap: %s", verify.out().lines().filter(l -> l.contains("false")).findFirst().orElse("")).isZero();
        Files.delete(file);
    }

    @Test
    void aVerbWithAWrongValueIsRefusedByTheServerWithItsReason() {
        Run connect = conch(alicesData, "connect", "net:127.0.0.1:1~shs:" + bobId.base64());
        assertThat(connect.exit()).isEqualTo(1);
        assertThat(connect.err()).startsWith("conch: could not connect to net:127.0.0.1:1~shs:");
        Run self = conch(alicesData, "follow", aliceId.toString());
        assertThat(self.exit()).isEqualTo(2);
    }

    @Test
    void afterTheServerStopsTheVerbsOpenTheStoreThemselves() {
        assertThat(conch(alicesData, "publish", "--type", "post", "--text", "while serving").exit()).isZero();
        alice.close();
        assertThat(Files.exists(alicesData.resolve("server.json"))).as("server.json removed on stop").isFalse();
        Run feed = conch(alicesData, "feed", aliceId.toString());
        assertThat(feed.exit()).as(feed.err()).isZero();
        assertThat(feed.out()).contains("while serving");
        Run status = conch(alicesData, "status");
        assertThat(status.out()).contains("(no server running)", "1 message");
        alice = null;
    }

    @Test
    void theHttpGateRefusesForeignHostsForeignOriginsAndWritesWithoutTheToken() throws Exception {
        int port = alice.httpPort();
        assertThat(http(port, "GET /api/whoami", "Host: 127.0.0.1:" + port)).startsWith("HTTP/1.1 200");
        assertThat(http(port, "GET /api/whoami", "Host: rebound.example:" + port)).startsWith("HTTP/1.1 403");
        assertThat(http(port, "GET /api/whoami", "Host: 127.0.0.1:" + port, "Origin: http://evil.example"))
                .startsWith("HTTP/1.1 403").contains("cross-origin requests are refused");
        String body = "{\"content\":{\"type\":\"post\",\"text\":\"forged\"}}";
        String withoutToken = http(port, "POST /api/publish", "Host: 127.0.0.1:" + port, "Content-Type: application/json",
                "Content-Length: " + body.length(), "", body);
        assertThat(withoutToken).startsWith("HTTP/1.1 401").contains("X-Conch-Token");
        String wrongToken = http(port, "POST /api/publish", "Host: 127.0.0.1:" + port, "X-Conch-Token: guessed",
                "Content-Type: application/json", "Content-Length: " + body.length(), "", body);
        assertThat(wrongToken).startsWith("HTTP/1.1 401");
        assertThat(alice.store().state(aliceId)).as("nothing was published").isEmpty();
        String token = Files.readString(alicesData.resolve("api-token")).strip();
        String withToken = http(port, "POST /api/publish", "Host: 127.0.0.1:" + port, "X-Conch-Token: " + token,
                "Content-Type: application/json", "Content-Length: " + body.length(), "", body);
        assertThat(withToken).startsWith("HTTP/1.1 200");
        assertThat(alice.store().state(aliceId)).isPresent();
    }

    // ------------------------------------------------------------------ helpers

    /** One raw HTTP/1.1 exchange, so that Host and Origin can be anything (java.net.http forbids setting Host). */
    private static String http(int port, String requestLine, String... headersThenBody) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            StringBuilder request = new StringBuilder(requestLine).append(" HTTP/1.1\r\n");
            boolean body = false;
            for (String line : headersThenBody) {
                if (line.isEmpty()) {
                    body = true;
                    request.append("Connection: close\r\n\r\n");
                    continue;
                }
                request.append(line).append(body ? "" : "\r\n");
            }
            if (!body) request.append("Connection: close\r\n\r\n");
            OutputStream output = socket.getOutputStream();
            output.write(request.toString().getBytes(StandardCharsets.UTF_8));
            output.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
