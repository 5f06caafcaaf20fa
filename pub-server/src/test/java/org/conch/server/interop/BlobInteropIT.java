package org.conch.server.interop;

import org.conch.feed.BlobId;
import org.conch.feed.blob.BlobStore;
import org.conch.feed.json.CanonicalJson;
import org.conch.feed.json.Json;
import org.conch.testing.ConchProcess;
import org.conch.testing.RealPeer.Stack;
import org.conch.testing.RealPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Blobs between conch and the Manyverse stack (ssb-blobs 2.0.1), and ssb-server 16 (ssb-blobs 1.2.2): both directions, by want (a post
 * mentioning a blob makes the other side fetch it) and by request ({@code conch blobs want}); and a blob
 * over conch's limit is refused while the connection goes on replicating.
 */
class BlobInteropIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path work;

    /** A running conch connected to a running real peer, each following the other. */
    private record Pair(RealPeer peer, ConchProcess conch, Path data, String conchId, int httpPort, Process server) {
        String run(String... args) throws Exception {
            List<String> all = new ArrayList<>(List.of("--data", data.toString()));
            all.addAll(List.of(args));
            return conch.run(all.toArray(String[]::new));
        }

        ConchProcess.Result runAllowingFailure(String... args) throws Exception {
            List<String> all = new ArrayList<>(List.of("--data", data.toString()));
            all.addAll(List.of(args));
            return conch.runAllowingFailure(all.toArray(String[]::new));
        }

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + httpPort + path);
        }
    }

    private Pair start(RealPeer peer, String... serveOptions) throws Exception {
        Path data = work.resolve("conch");
        ConchProcess conch = new ConchProcess(work);
        conch.run("--data", data.toString(), "init");
        conch.run("--data", data.toString(), "follow", peer.id());
        String conchId = conch.run("--data", data.toString(), "whoami").trim();
        peer.follow(conchId);
        int httpPort = RealPeer.freePort();
        List<String> serve = new ArrayList<>(List.of("--data", data.toString(), "--json", "serve", "--host", "127.0.0.1",
                "--port", String.valueOf(RealPeer.freePort()), "--http-port", String.valueOf(httpPort), "--connect", peer.address()));
        serve.addAll(List.of(serveOptions));
        Process server = conch.startServer(serve);
        BufferedReader out = server.inputReader(StandardCharsets.UTF_8);
        assertThat(out.readLine()).as("conch serve's first line; log: %s", conch.serveLog()).isNotNull();
        Pair pair = new Pair(peer, conch, data, conchId, httpPort, server);
        peer.waitFor(conchId, 1, 60_000); // connected and replicating: conch's follow of the peer arrived
        return pair;
    }

    @ParameterizedTest(name = "{0} stack")
    @EnumSource(value = Stack.class, names = {"MANYVERSE", "CLASSIC"})
    void blobsFlowBothWaysByWantAndByRequest(Stack stack) throws Exception {
        try (RealPeer peer = RealPeer.start(stack, work.resolve("peer"))) {
            Pair pair = start(peer);
            String imageId;
            try {
                // the peer's post mentions its image: conch, which follows the peer, fetches it by itself
                byte[] image = png(100_000, 1);
                imageId = addToPeer(peer, image);
                peer.call("publish", Map.of("content", post("a picture", imageId)));
                awaitConchHas(pair, imageId);
                HttpResponse<byte[]> served = HTTP.send(HttpRequest.newBuilder(pair.uri("/blobs/" + encoded(imageId))).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertThat(served.statusCode()).isEqualTo(200);
                assertThat(served.body()).isEqualTo(image);
                assertThat(served.headers().firstValue("Content-Type")).hasValue("image/png");
                assertThat(served.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                        assertThat(csp).contains("default-src 'none'").contains("sandbox"));
                assertThat(served.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
                HttpResponse<byte[]> slice = HTTP.send(HttpRequest.newBuilder(pair.uri("/blobs/" + encoded(imageId)))
                        .header("Range", "bytes=10-19").build(), HttpResponse.BodyHandlers.ofByteArray());
                assertThat(slice.statusCode()).isEqualTo(206);
                assertThat(slice.body()).isEqualTo(java.util.Arrays.copyOfRange(image, 10, 20));
                assertThat(slice.headers().firstValue("Content-Range")).hasValue("bytes 10-19/100000");

                // conch's post mentions a blob conch added: the peer wants it and gets it from conch
                byte[] mine = png(50_000, 2);
                Path file = work.resolve("mine.png");
                Files.write(file, mine);
                String mineId = pair.run("blobs", "add", file.toString()).trim();
                assertThat(mineId).isEqualTo(BlobStore.idOf(mine).toString());
                pair.run("publish", "--content", CanonicalJson.compact(post("my picture", mineId)));
                peer.waitFor(pair.conchId(), 2, 60_000);
                assertThat(peer.call("blobs.want", Map.of("blob", mineId, "timeoutMs", 60_000.0), 70)).isEqualTo(true);
                assertThat(Base64.getDecoder().decode((String) peer.call("blobs.get", Map.of("blob", mineId)))).isEqualTo(mine);

                // by request: a blob no message mentions, asked for with `conch blobs want`
                byte[] text = "a blob nobody mentions\n".getBytes(StandardCharsets.UTF_8);
                String textId = addToPeer(peer, text);
                assertThat(pair.run("blobs", "want", textId, "--timeout", "60")).startsWith("have " + textId);
                assertThat(pair.run("blobs", "get", textId)).isEqualTo(new String(text, StandardCharsets.UTF_8));

                // and the other way by request: the peer wants a blob only conch has
                byte[] other = "only conch has this".getBytes(StandardCharsets.UTF_8);
                Path otherFile = work.resolve("other.txt");
                Files.write(otherFile, other);
                String otherId = pair.run("blobs", "add", otherFile.toString()).trim();
                assertThat(peer.call("blobs.want", Map.of("blob", otherId, "timeoutMs", 60_000.0), 70)).isEqualTo(true);

                String metrics = get(pair, "/metrics");
                assertThat(metrics).contains("conch_blobs_stored 4.0").containsPattern("conch_blobs_bytes " + (100_000 + 50_000
                        + text.length + other.length) + "(\\.0)?");
                Map<?, ?> status = Json.parseObject(get(pair, "/api/status"));
                assertThat(status.get("blobs")).isEqualTo(4.0);

                // gc through the server: the two blobs no post mentions go, the mentioned ones stay
                assertThat(pair.run("blobs", "gc")).startsWith("removed 2 blobs (" + (text.length + other.length) + " bytes), kept 2");
                assertThat(Json.parseObject(get(pair, "/api/blobs/" + encoded(imageId))).get("have")).isEqualTo(true);
                assertThat(Json.parseObject(get(pair, "/api/blobs/" + encoded(textId))).get("have")).isEqualTo(false);
            } finally {
                ConchProcess.stop(pair.server());
            }
            assertThat(pair.conch().serveLog()).contains("fetched blob " + imageId);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aBlobOverTheLimitIsRefusedAndTheConnectionGoesOnReplicating() throws Exception {
        try (RealPeer peer = RealPeer.start(Stack.MANYVERSE, work.resolve("peer"))) {
            Pair pair = start(peer, "--blob-max-bytes", "100000");
            try {
                String bigId = addToPeer(peer, png(200_000, 3));
                ConchProcess.Result want = pair.runAllowingFailure("blobs", "want", bigId, "--timeout", "5");
                assertThat(want.exitCode()).as("stdout %s stderr %s", want.stdout(), want.stderr()).isEqualTo(1);
                assertThat(want.stderr()).contains(peer.id() + " has it (200000 bytes, over blob-max-bytes 100000: refused)");
                assertThat(pair.runAllowingFailure("blobs", "get", bigId).exitCode()).isEqualTo(1);

                // the peer's post mentioning it is replicated all the same, and the blob is still not fetched
                peer.call("publish", Map.of("content", post("too big to fetch", bigId)));
                peer.publishPost("and after that");
                pair.conch().waitUntilConchHas(pair.httpPort(), pair.server(), peer.id(), peer.latest(peer.id()));
                assertThat((List<Object>) peer.call("peers", Map.of())).as("still connected").contains(pair.conchId());
                assertThat(Json.parseObject(get(pair, "/api/blobs/" + encoded(bigId))).get("have")).isEqualTo(false);

                // an upload over the limit is refused with a one-line error
                String token = Files.readString(pair.data().resolve("api-token")).trim();
                HttpResponse<String> upload = HTTP.send(HttpRequest.newBuilder(pair.uri("/api/blobs"))
                        .header("X-Conch-Token", token).POST(HttpRequest.BodyPublishers.ofByteArray(new byte[100_001])).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(upload.statusCode()).isEqualTo(413);
                assertThat(upload.body()).contains("blob-max-bytes").doesNotContain("\n");
            } finally {
                ConchProcess.stop(pair.server());
            }
        }
    }

    private static String addToPeer(RealPeer peer, byte[] bytes) throws Exception {
        String id = (String) peer.call("blobs.add", Map.of("base64", Base64.getEncoder().encodeToString(bytes)));
        assertThat(id).isEqualTo(BlobStore.idOf(bytes).toString());
        return id;
    }

    /** Waits until {@code GET /api/blobs/:id} says conch has the blob. */
    private static void awaitConchHas(Pair pair, String id) {
        pair.conch().awaitFromServer(pair.server(), "conch has the blob " + id, Duration.ofSeconds(60),
                () -> get(pair, "/api/blobs/" + encoded(id)), answer -> Boolean.TRUE.equals(Json.parseObject(answer).get("have")));
    }

    private static String get(Pair pair, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(pair.uri(path)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String encoded(String id) {
        return URLEncoder.encode(BlobId.parse(id).toString(), StandardCharsets.UTF_8);
    }

    /** PNG magic bytes, then random bytes: typed image/png by its head, and unique per seed. */
    private static byte[] png(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        byte[] magic = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
        System.arraycopy(magic, 0, bytes, 0, magic.length);
        return bytes;
    }

    private static Map<String, Object> post(String text, String blobId) {
        Map<String, Object> mention = new LinkedHashMap<>();
        mention.put("link", blobId);
        mention.put("name", "picture");
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("type", "post");
        content.put("text", text + " ![picture](" + blobId + ")");
        content.put("mentions", List.of(mention));
        return content;
    }
}
