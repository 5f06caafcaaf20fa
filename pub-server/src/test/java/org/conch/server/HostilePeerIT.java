package org.conch.server;

import org.conch.server.config.ServerConfig;
import org.conch.feed.FeedId;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.conch.feed.FeedState;
import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.feed.MessageSigner;
import org.conch.feed.SignCap;
import org.conch.feed.store.FeedStore;
import org.conch.gossip.muxrpc.Packet;
import org.conch.gossip.net.PeerConnection;
import org.conch.gossip.replication.VectorClock;
import org.conch.gossip.shs.SecretHandshake;
import org.conch.server.config.DataDirectory;
import org.conch.server.log.LogFormat;
import org.conch.server.log.LogLevel;
import org.conch.server.log.Logs;
import org.conch.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.conch.feed.testing.Messages.chain;
import static org.conch.feed.testing.Messages.follow;
import static org.conch.feed.testing.Messages.post;

/**
 * Peers that break the rules, over real sockets, against a real server: each is refused or dropped with
 * one log line naming it, nothing it sent reaches the store, and meanwhile a well-behaved peer keeps
 * replicating and {@code /health} keeps answering (checked after every case).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostilePeerIT {
    @RegisterExtension
    final BlockedEventLoops loops = new BlockedEventLoops();

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final int HANDSHAKE_TIMEOUT_MS = 500;
    private static final int MAX_STREAMS = 100;
    private static final int MAX_PER_ADDRESS = 6;
    private static final int MAX_UNSENT = 4 << 20; // above the 1.1 MB of refusals a burst of 10,000 requests earns
    private static final byte[] NETWORK_KEY = SecretHandshake.mainNetworkKey();

    @TempDir
    static Path serverData;
    @TempDir
    static Path friendData;

    private ConchServer server;
    private ConchServer friend;
    private PeerConnection friendConnection;
    private final HttpClient http = HttpClient.newHttpClient();
    private final LogCapture log = new LogCapture();

    /** Feeds the server follows, whose messages the hostile peers forge. */
    private final Identity badSignatures = Identity.generate();
    private final Identity forked = Identity.generate();
    private final Identity badHistory = Identity.generate();
    private final Identity wrongAuthor = Identity.generate();
    /** A feed the server does not follow. */
    private final Identity stranger = Identity.generate();

    @BeforeAll
    void startTheServerAndAWellBehavedPeer() throws Exception {
        Logs.configure(LogFormat.TEXT, LogLevel.INFO); // as conch serve logs by default
        log.start();
        Identity.generate().save(friendData.resolve("secret"));
        friend = loops.start(ServerConfig.load(friendData, Map.of(), Map.of("host", "127.0.0.1", "port", "0",
                "http-port", "-1", "lan", "false")), new DataDirectory(friendData));
        Identity.generate().save(serverData.resolve("secret"));
        Map<String, String> flags = new LinkedHashMap<>();
        flags.put("host", "127.0.0.1");
        flags.put("port", "0");
        flags.put("http-port", "0");
        flags.put("lan", "false");
        flags.put("handshake-timeout", Integer.toString(HANDSHAKE_TIMEOUT_MS));
        flags.put("max-streams-per-connection", Integer.toString(MAX_STREAMS));
        flags.put("max-connections-per-address", Integer.toString(MAX_PER_ADDRESS));
        flags.put("max-unsent-bytes", Integer.toString(MAX_UNSENT));
        flags.put("connect", friend.address().toString()); // the server dials: the friend uses no slot of 127.0.0.1
        server = loops.start(ServerConfig.load(serverData, Map.of(), flags), new DataDirectory(serverData));

        for (Identity followed : List.of(friend.identity(), badSignatures, forked, badHistory, wrongAuthor)) {
            await(server.publish(follow(followed.id())));
        }
        Await.until("the server replicates the feeds it follows",
                () -> server.replication().replicationSet().size() == 6);
        Await.until("the server is connected to its friend", () -> server.node().connections().size() == 1);
        friendConnection = server.node().connections().iterator().next();
        friendStillReplicates();
    }

    @AfterAll
    void stop() {
        try {
            if (server != null) server.close();
            if (friend != null) friend.close();
        } finally {
            log.stop();
            Logs.configure(LogFormat.TEXT, LogLevel.WARN); // as before: other tests in this JVM log only warnings
        }
    }

    @AfterEach
    void theFriendIsStillServedAndTheServerIsHealthy() throws Exception {
        Await.until("every hostile connection is gone from the server", () -> server.node().connectionCount() == 1);
        assertThat(friendConnection.isOpen()).as("the friend's connection survived").isTrue();
        friendStillReplicates();
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.httpPort() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"ok\"");
        assertThat(log.lines(line -> line.contains("ERROR"))).as("no errors logged").isEmpty();
    }

    // ------------------------------------------------------------------ before the handshake

    @Test
    void aPeerThatStallsInTheHandshakeIsCutAtTheHandshakeTimeout() throws Exception {
        try (HostileClient hello = HostileClient.helloOnly(server.gossipPort(), NETWORK_KEY, serverId(), Identity.generate());
             HostileClient silent = HostileClient.silent(server.gossipPort())) {
            assertThat(hello.closed().get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isEqualTo("end of stream");
            assertThat(silent.closed().get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isEqualTo("end of stream");
            for (HostileClient client : List.of(hello, silent)) {
                String address = "127.0.0.1:" + client.localPort();
                assertThat(log.await("connection from " + address + " closed: handshake not complete after "
                        + HANDSHAKE_TIMEOUT_MS + " ms")).singleElement().asString()
                        .as("the peer is named by its address until its key is known")
                        .contains(" INFO  PeerConnection peer=" + address + " address=" + address
                                + " reason=\"handshake not complete after " + HANDSHAKE_TIMEOUT_MS + " ms\" gossip ");
            }
        }
    }

    @Test
    void overThePerAddressLimitASocketIsClosedBeforeTheHandshake() throws Exception {
        List<HostileClient> admitted = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_PER_ADDRESS; i++) {
                admitted.add(HostileClient.handshake(server.gossipPort(), NETWORK_KEY, serverId(), Identity.generate()));
            }
            try (HostileClient refused = HostileClient.silent(server.gossipPort())) {
                assertThat(refused.closed().get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isEqualTo("end of stream");
                String address = "127.0.0.1:" + refused.localPort();
                assertThat(log.await("gossip refused connection from " + address + ": "
                        + MAX_PER_ADDRESS + " connections from 127.0.0.1 open already, the limit (maxConnectionsPerAddress)"))
                        .singleElement().asString()
                        .contains(" WARN  GossipNode peer=" + address + " address=" + address + " reason=maxConnectionsPerAddress gossip ");
            }
            for (HostileClient client : admitted) {
                assertThat(client.closed()).as("admitted connections stay up").isNotDone();
            }
        } finally {
            for (HostileClient client : admitted) client.close();
        }
    }

    // ------------------------------------------------------------------ box-stream and muxrpc

    @Test
    void garbageAfterTheHandshakeDropsTheConnectionWithOneLogLine() throws Exception {
        try (HostileClient client = HostileClient.handshake(server.gossipPort(), NETWORK_KEY, serverId(), Identity.generate())) {
            byte[] garbage = new byte[4096];
            new Random(5).nextBytes(garbage);
            client.sendRaw(garbage);
            assertThat(client.closed().get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isNotNull();
            String id = client.identity().id().toString();
            List<String> lines = log.await("gossip connection from 127.0.0.1:" + client.localPort() + " " + id + " closed: ");
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0)).contains(" WARN  PeerConnection peer=\"" + id + "\" address=127.0.0.1:" + client.localPort() + " reason=");
            assertThat(log.lines(line -> line.contains(id))).as("one line names the peer").hasSize(1);
        }
    }

    @Test
    void aMuxrpcHeaderDeclaringFourGigabytesIsDroppedWithoutAllocatingIt() throws Exception {
        long heapBefore = usedHeapAfterGc();
        try (HostileClient client = HostileClient.handshake(server.gossipPort(), NETWORK_KEY, serverId(), Identity.generate())) {
            // flags JSON, length 0xffffffff, request 1: nine bytes, no body
            client.sendBoxed(new byte[]{2, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 1});
            assertThat(client.closed().get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isNotNull();
            assertThat(log.await("gossip connection from 127.0.0.1:" + client.localPort() + " " + client.identity().id()
                    + " closed: muxrpc body of 4294967295 bytes is over the limit of 1048576 bytes")).singleElement().asString()
                    .contains("peer=\"" + client.identity().id() + "\" address=127.0.0.1:" + client.localPort()
                            + " reason=\"muxrpc body of 4294967295 bytes is over the limit of 1048576 bytes\" ");
        }
        assertThat(usedHeapAfterGc() - heapBefore).as("heap growth in bytes").isLessThan(64L << 20);
    }

    @Test
    void tenThousandStreamsAreRefusedBeyondThePerConnectionLimit() throws Exception {
        int requests = 10_000;
        try (HostileClient client = HostileClient.handshake(server.gossipPort(), NETWORK_KEY, serverId(), Identity.generate())) {
            List<Packet> flood = new ArrayList<>();
            Map<String, Object> live = new LinkedHashMap<>();
            live.put("id", friend.identity().id().toString());
            live.put("live", true);
            live.put("old", false);
            for (int i = 0; i < requests; i++) {
                flood.add(client.streamRequest("createHistoryStream", "source", live));
            }
            client.send(flood);
            String refusal = "too many open streams on this connection (limit " + MAX_STREAMS + ")";
            int refused = 0;
            while (refused < requests - MAX_STREAMS) {
                Packet packet = client.await(p -> p.request() < 0 && p.end(), DEADLINE);
                assertThat(packet).as("refusal %d of %d", refused + 1, requests - MAX_STREAMS).isNotNull();
                assertThat(packet.request()).as("the first %d streams are served", MAX_STREAMS).isLessThan(-MAX_STREAMS);
                assertThat(new String(packet.body(), StandardCharsets.UTF_8)).contains(refusal);
                refused++;
            }
            assertThat(client.closed()).as("the connection stays up").isNotDone();
            assertThat(log.await("gossip connection from 127.0.0.1:" + client.localPort() + " " + client.identity().id()
                    + ": refused a call: " + refusal + "; further refusals on this connection are not logged")).singleElement().asString()
                    .contains("peer=\"" + client.identity().id() + "\" address=127.0.0.1:" + client.localPort()
                            + " reason=\"" + refusal + "\" ");
        }
    }

    @Test
    void aPeerThatNeverReadsItsRepliesIsCutBeforeTheyPileUp() throws Exception {
        long heapBefore = usedHeapAfterGc();
        try (HostileClient client = HostileClient.handshake(server.gossipPort(), NETWORK_KEY, serverId(), Identity.generate(), false)) {
            String id = client.identity().id().toString();
            try {
                for (int round = 0; round < 200 && log.lines(line -> line.contains(id + " closed: ")).isEmpty(); round++) {
                    List<Packet> calls = new ArrayList<>();
                    for (int i = 0; i < 2_000; i++) calls.add(client.asyncRequest("manifest"));
                    client.send(calls);
                }
            } catch (java.io.IOException e) {
                // the server cut us off while we wrote: expected
            }
            assertThat(log.await("gossip connection from 127.0.0.1:" + client.localPort() + " " + id + " closed: the peer does not "
                    + "read what it is sent: ")).singleElement().asString().contains("bytes unsent, over the limit of " + MAX_UNSENT)
                    .contains("peer=\"" + id + "\" address=127.0.0.1:" + client.localPort() + " reason=\"the peer does not read");
        }
        assertThat(usedHeapAfterGc() - heapBefore).as("heap growth in bytes").isLessThan(64L << 20);
    }

    // ------------------------------------------------------------------ replication

    @Test
    void messagesWithInvalidSignaturesOverEbtStopTheFeedAndStoreNothing() throws Exception {
        try (HostileClient client = HostileClient.handshake(server.gossipPort(), NETWORK_KEY, serverId(), Identity.generate())) {
            int ebt = openEbt(client);
            client.send(Packet.json(true, false, ebt, Map.of(badSignatures.id().toString(), (double) VectorClock.encode(3, false))));
            for (Message message : chain(badSignatures, 3)) {
                client.send(Packet.json(true, false, ebt, tampered(message)));
            }
            assertThat(client.await(noteOf(ebt, badSignatures.id(), -1), DEADLINE)).as("the server stops the feed (-1)").isNotNull();
            assertThat(log.await("peer " + client.identity().id() + " sent an invalid message of feed " + badSignatures.id()))
                    .singleElement().asString().contains("stopped replicating that feed with it")
                    .contains(" WARN  PeerReplication peer=\"" + client.identity().id() + "\" feed=\"" + badSignatures.id()
                            + "\" seq=1 reason=\"");
            assertThat(server.store().state(badSignatures.id())).as("nothing stored").isEmpty();
        }
    }

    @Test
    void aForkOverEbtIsRecordedAsAForkNeverStoredAsTheFeed() throws Exception {
        Message first = MessageSigner.sign(forked, null, post("one"), 1.0, SignCap.NONE);
        Message otherFirst = MessageSigner.sign(forked, null, post("one, other"), 2.0, SignCap.NONE);
        Message forkingSecond = MessageSigner.sign(forked, FeedState.of(otherFirst), post("two"), 3.0, SignCap.NONE);
        try (HostileClient client = HostileClient.handshake(server.gossipPort(), NETWORK_KEY, serverId(), Identity.generate())) {
            int ebt = openEbt(client);
            client.send(Packet.json(true, false, ebt, Map.of(forked.id().toString(), (double) VectorClock.encode(2, false))));
            client.send(Packet.json(true, false, ebt, first.value()));
            client.send(Packet.json(true, false, ebt, forkingSecond.value()));
            assertThat(client.await(noteOf(ebt, forked.id(), -1), DEADLINE)).as("the server stops the feed (-1)").isNotNull();
            assertThat(log.await("peer " + client.identity().id() + " sent an invalid message of feed " + forked.id() + ": fork"))
                    .singleElement().asString()
                    .contains("peer=\"" + client.identity().id() + "\" feed=\"" + forked.id() + "\" seq=2 reason=\"fork: ");
        }
        assertThat(server.store().state(forked.id())).contains(FeedState.of(first));
        List<FeedStore.Fork> forks = server.store().forks(forked.id());
        assertThat(forks).extracting(FeedStore.Fork::key).containsExactly(forkingSecond.key());
        assertThat(server.store().get(forkingSecond.key())).as("the fork is not a stored message").isEmpty();
    }

    @Test
    void messagesOfAFeedNotAskedForOverEbtAreDroppedAndLogged() throws Exception {
        try (HostileClient client = HostileClient.handshake(server.gossipPort(), NETWORK_KEY, serverId(), Identity.generate())) {
            int ebt = openEbt(client);
            client.send(Packet.json(true, false, ebt, Map.of(stranger.id().toString(), (double) VectorClock.encode(2, false))));
            assertThat(client.await(noteOf(ebt, stranger.id(), -1), DEADLINE)).as("the server declines the feed").isNotNull();
            for (Message message : chain(stranger, 2)) {
                client.send(Packet.json(true, false, ebt, message.value()));
            }
            assertThat(log.await("peer " + client.identity().id() + " sent " + stranger.id() + ":1, a feed we did not ask it for"))
                    .singleElement().asString()
                    .contains(" INFO  EbtSession peer=\"" + client.identity().id() + "\" feed=\"" + stranger.id() + "\" seq=1 peer ");
            assertThat(server.store().state(stranger.id())).isEmpty();
        }
    }

    @Test
    void overHistoryStreamsInvalidSignaturesAndAnotherFeedsMessagesAbortTheStream() throws Exception {
        try (HostileClient client = HostileClient.handshake(server.gossipPort(), NETWORK_KEY, serverId(), Identity.generate())) {
            // a peer without EBT asks for a history stream: the server replicates from it by history streams too
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("id", serverId().toString());
            args.put("live", true);
            client.send(client.streamRequest("createHistoryStream", "source", args));
            Map<FeedId, Integer> requests = historyRequestsFor(client, List.of(badHistory.id(), wrongAuthor.id()));
            int badStream = requests.get(badHistory.id());
            int wrongStream = requests.get(wrongAuthor.id());
            for (Message message : chain(badHistory, 2)) {
                client.send(Packet.json(true, false, -badStream, tampered(message)));
            }
            client.send(Packet.json(true, false, -wrongStream, chain(stranger, 1).get(0).value()));
            assertThat(client.await(p -> p.request() == badStream && p.end(), DEADLINE)).as("aborted").isNotNull();
            assertThat(log.await("peer " + client.identity().id() + " sent an invalid message of feed " + badHistory.id()))
                    .singleElement().asString()
                    .contains("peer=\"" + client.identity().id() + "\" feed=\"" + badHistory.id() + "\" seq=1 reason=\"");
            assertThat(log.await("peer " + client.identity().id() + " sent an invalid message of feed " + wrongAuthor.id()
                    + ": the stream of " + wrongAuthor.id() + " sent a message of " + stranger.id())).singleElement().asString()
                    .contains("peer=\"" + client.identity().id() + "\" feed=\"" + wrongAuthor.id() + "\" seq=1 reason=\"the stream of "
                            + wrongAuthor.id() + " sent a message of " + stranger.id() + "\" ");
            assertThat(server.store().state(badHistory.id())).isEmpty();
            assertThat(server.store().state(wrongAuthor.id())).isEmpty();
            assertThat(server.store().state(stranger.id())).isEmpty();
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Only a room conch attends may hand it a tunnel ({@code tunnel.connect} with an origin); anyone else is told no. */
    @Test
    void aTunnelOfferedByAPeerThatIsNotARoomWeAttendIsRefused() throws Exception {
        try (HostileClient client = HostileClient.handshake(server.gossipPort(), NETWORK_KEY, serverId(), Identity.generate())) {
            Map<String, Object> options = new LinkedHashMap<>();
            options.put("portal", client.identity().id().toString());
            options.put("target", serverId().toString());
            options.put("origin", Identity.generate().id().toString());
            Packet request = client.streamRequest("tunnel.connect", "duplex", options);
            client.send(request);
            Packet refusal = client.await(p -> p.request() == -request.request() && p.end(), DEADLINE);
            assertThat(refusal).as("the end of the tunnel stream").isNotNull();
            assertThat(new String(refusal.body(), StandardCharsets.UTF_8)).contains("could not connect to " + serverId());
            assertThat(client.closed()).as("the connection stays up").isNotDone();
            assertThat(server.node().connections()).noneMatch(PeerConnection::isTunnel);
        }
    }

    private FeedId serverId() {
        return server.identity().id();
    }

    /** The friend publishes; the server must have it in time. */
    private void friendStillReplicates() throws Exception {
        Message fresh = await(friend.publish(post("still here " + Instant.now())));
        Await.until("the friend's fresh message replicated to the server",
                () -> server.store().get(fresh.key()).isPresent());
    }

    /** Calls ebt.replicate and reads the server's first notes; returns the request number. */
    private static int openEbt(HostileClient client) throws Exception {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("version", 3.0);
        options.put("format", "classic");
        Packet request = client.streamRequest("ebt.replicate", "duplex", options);
        client.send(request);
        assertThat(client.await(p -> p.request() == -request.request() && !p.end(), DEADLINE))
                .as("the server's notes").isNotNull();
        return request.request();
    }

    /** A note of the server for {@code feed} with value {@code note} on the EBT stream {@code request}. */
    private static Predicate<Packet> noteOf(int request, FeedId feed, long note) {
        return p -> p.request() == -request && !p.end() && p.value() instanceof Map<?, ?> notes
                && Double.valueOf(note).equals(notes.get(feed.toString()));
    }

    /** Waits for the server's createHistoryStream requests for {@code feeds}; returns their (positive) numbers. */
    private static Map<FeedId, Integer> historyRequestsFor(HostileClient client, List<FeedId> feeds) throws Exception {
        Map<FeedId, Integer> found = new LinkedHashMap<>();
        while (found.size() < feeds.size()) {
            Packet request = client.await(p -> p.request() > 0 && p.stream() && !p.end(), DEADLINE);
            assertThat(request).as("the server asks for %s (got %s)", feeds, found.keySet()).isNotNull();
            String args = String.valueOf(((Map<?, ?>) request.value()).get("args"));
            feeds.stream().filter(feed -> args.contains(feed.toString())).forEach(feed -> found.put(feed, request.request()));
        }
        return found;
    }

    /** The message with its content changed after signing: well formed, but the signature does not verify. */
    private static Map<String, Object> tampered(Message message) {
        Map<String, Object> value = new LinkedHashMap<>(message.value());
        value.put("content", post("not what was signed"));
        return value;
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    /**
     * The log lines written while the test runs: conch's log appender writes to whatever {@code System.err}
     * is at the time, so stderr is teed into a list of lines.
     */
    private static final class LogCapture {
        private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
        private PrintStream original;

        void start() {
            original = System.err;
            PrintStream passOn = original;
            System.setErr(new PrintStream(new OutputStream() {
                private final ByteArrayOutputStream line = new ByteArrayOutputStream();

                @Override
                public synchronized void write(int b) {
                    passOn.write(b);
                    if (b == '\n') {
                        lines.add(line.toString(StandardCharsets.UTF_8));
                        line.reset();
                    } else {
                        line.write(b);
                    }
                }
            }, true, StandardCharsets.UTF_8));
        }

        void stop() {
            if (original != null) System.setErr(original);
        }

        List<String> lines(Predicate<String> wanted) {
            return lines.stream().filter(wanted).toList();
        }

        /** The lines containing {@code text}, once there is at least one (fails after the deadline). */
        List<String> await(String text) throws InterruptedException {
            Await.until("a log line containing: " + text, () -> !lines(line -> line.contains(text)).isEmpty());
            return lines(line -> line.contains(text));
        }
    }
}
