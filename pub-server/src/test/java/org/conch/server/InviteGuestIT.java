package org.conch.server;

import io.vertx.core.Vertx;
import org.conch.feed.BlobId;
import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.feed.json.Json;
import org.conch.feed.ref.InviteCode;
import org.conch.gossip.GossipException;
import org.conch.gossip.muxrpc.CallType;
import org.conch.gossip.muxrpc.StreamListener;
import org.conch.gossip.muxrpc.Substream;
import org.conch.gossip.net.GossipConfig;
import org.conch.gossip.net.GossipNode;
import org.conch.gossip.net.PeerConnection;
import org.conch.server.InProcessConch.Run;
import org.conch.server.config.DataDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.conch.server.InProcessConch.conch;
import static org.conch.server.InProcessConch.initialise;
import static org.conch.server.InProcessConch.localConfig;

/**
 * A guest (a peer that dialled the pub with an invite's key and is not a member) is refused every
 * replication and blob RPC with ssb's "not in list of allowed methods", and its connection stays up for
 * {@code invite.use}. Each row of the table is also called by a stranger with its own key, who is served
 * it: so a refusal is the guest's, not a malformed call. The table covers every method the pub serves a
 * peer, so a method added later and forgotten here fails {@link #theTableCoversEveryMethodThePubServesAPeer}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InviteGuestIT {
    @RegisterExtension
    final BlockedEventLoops loops = new BlockedEventLoops();

    /** What a peer that is not a guest gets for an RPC. */
    enum ToPeers {
        /** an answer */
        SERVED,
        /** a refusal by the method's own rules, not the guest's (e.g. a tunnel from a peer that is not a room conch attends) */
        SERVED_BY_ITS_RULES,
        /** the same refusal as a guest: the pub does not serve it */
        NOT_SERVED
    }

    /** An RPC, how it is called, its arguments, and what the pub gives a peer that is not a guest. */
    record Rpc(String method, CallType type, Function<InviteGuestIT, List<?>> args, ToPeers toPeers) {
        boolean servedToPeers() {
            return toPeers != ToPeers.NOT_SERVED;
        }

        @Override
        public String toString() {
            return method + " (" + type.wireName() + ")";
        }
    }

    static Stream<Rpc> rpcs() {
        return Stream.of(
                new Rpc("createHistoryStream", CallType.SOURCE, it -> List.of(Map.of("id", it.pubId.toString(), "seq", 1, "live", false)), ToPeers.SERVED),
                new Rpc("ebt.replicate", CallType.DUPLEX, it -> List.of(Map.of("version", 3, "format", "classic")), ToPeers.SERVED),
                new Rpc("ebt.clock", CallType.ASYNC, it -> List.of(Map.of("format", "classic")), ToPeers.SERVED),
                new Rpc("blobs.get", CallType.SOURCE, it -> List.of(it.blob.toString()), ToPeers.SERVED),
                new Rpc("blobs.getSlice", CallType.SOURCE, it -> List.of(Map.of("hash", it.blob.toString(), "start", 0, "end", 4)), ToPeers.SERVED),
                new Rpc("blobs.has", CallType.ASYNC, it -> List.of(it.blob.toString()), ToPeers.SERVED),
                new Rpc("blobs.size", CallType.ASYNC, it -> List.of(it.blob.toString()), ToPeers.SERVED),
                new Rpc("blobs.createWants", CallType.SOURCE, it -> List.of(), ToPeers.SERVED),
                new Rpc("gossip.ping", CallType.DUPLEX, it -> List.of(Map.of("timeout", 60_000)), ToPeers.SERVED),
                // a room's call to a conch that attends it; from any other peer refused by the room client's own rule
                new Rpc("tunnel.connect", CallType.DUPLEX, it -> List.of(Map.of("portal", it.pubId.toString(),
                        "target", it.pubId.toString(), "origin", it.strangerNode.id().toString())), ToPeers.SERVED_BY_ITS_RULES),
                // not served to any peer (ssb-blobs has them; conch takes blobs only by want), refused all the same
                new Rpc("blobs.add", CallType.SINK, it -> List.of(), ToPeers.NOT_SERVED),
                new Rpc("blobs.changes", CallType.SOURCE, it -> List.of(), ToPeers.NOT_SERVED),
                new Rpc("whoami", CallType.ASYNC, it -> List.of(), ToPeers.NOT_SERVED));
    }

    private Path pubData;
    private ConchServer pub;
    private FeedId pubId;
    private BlobId blob;
    private Vertx vertx;
    private GossipNode guestNode;
    private GossipNode strangerNode;
    private PeerConnection guest;
    private PeerConnection stranger;

    @BeforeAll
    void startThePubAndConnectAGuestAndAStranger() throws Exception {
        pubData = Files.createTempDirectory("conch-guest-it");
        pubId = initialise(pubData);
        pub = loops.start(localConfig(pubData, "pub", "true", "public-host", "127.0.0.1"), new DataDirectory(pubData));
        blob = pub.blobStore().add("a picture, say".getBytes(StandardCharsets.UTF_8));
        Run created = conch(pubData, "--json", "invite", "create");
        assertThat(created.exit()).as(created.err()).isZero();
        InviteCode code = InviteCode.parse((String) Json.parseObject(created.out().strip()).get("code"));

        vertx = loops.newVertx();
        guestNode = GossipNode.create(vertx, Identity.fromSeed(code.seed()), GossipConfig.defaults());
        guest = guestNode.connect(code.address()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        strangerNode = GossipNode.create(vertx, Identity.generate(), GossipConfig.defaults());
        stranger = strangerNode.connect(code.address()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    void stop() throws Exception {
        if (guestNode != null) guestNode.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        if (strangerNode != null) strangerNode.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        if (pub != null) pub.close();
        try (Stream<Path> files = Files.walk(pubData)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rpcs")
    void aGuestIsRefusedAndItsConnectionStays(Rpc rpc) throws Exception {
        String refusal = "method:" + rpc.method().replace('.', ',') + " is not in list of allowed methods";

        assertThat(call(guest, rpc)).isEqualTo("refused: " + refusal);
        assertThat(guest.isOpen()).as("the guest's connection after the refusal").isTrue();

        String asStranger = call(stranger, rpc);
        switch (rpc.toPeers()) {
            case SERVED -> assertThat(asStranger).as("the same call from a peer that is not a guest").startsWith("answered");
            case SERVED_BY_ITS_RULES -> assertThat(asStranger).as("the same call from a peer that is not a guest")
                    .startsWith("refused: ").doesNotContain("is not in list of allowed methods");
            case NOT_SERVED -> assertThat(asStranger).isEqualTo("refused: " + refusal);
        }
        assertThat(stranger.isOpen()).as("the stranger's connection").isTrue();
    }

    @Test
    void theTableCoversEveryMethodThePubServesAPeer() throws Exception {
        Set<String> served = new TreeSet<>();
        flatten("", manifest(stranger), served);
        served.remove("manifest"); // the one call a guest and a peer share
        Set<String> inTable = new TreeSet<>();
        rpcs().filter(Rpc::servedToPeers).forEach(rpc -> inTable.add(rpc.method()));
        assertThat(inTable).isEqualTo(served);
    }

    @Test
    void theGuestMaySeeOnlyTheInviteMethodsAndIsNeverReplicatedWith() throws Exception {
        Set<String> offered = new TreeSet<>();
        flatten("", manifest(guest), offered);
        assertThat(offered).containsExactly("getAddress", "invite.use", "manifest");
        assertThat(pub.replication().status().toCompletableFuture().get(10, TimeUnit.SECONDS).peer(guestNode.id().toString()))
                .as("the pub's replication with the guest").isNull();
    }

    private static Map<?, ?> manifest(PeerConnection connection) throws Exception {
        return (Map<?, ?>) onContext(connection, () -> connection.session().async("manifest", List.of())).get(10, TimeUnit.SECONDS);
    }

    private static void flatten(String prefix, Map<?, ?> manifest, Set<String> into) {
        manifest.forEach((name, value) -> {
            if (value instanceof Map<?, ?> nested) flatten(prefix + name + ".", nested, into);
            else into.add(prefix + name);
        });
    }

    /**
     * Calls {@code rpc} on the connection and says how the pub answered: {@code "refused: <error text>"}, or
     * {@code "answered: …"} with the reply or the first item of a stream (which is then aborted).
     */
    private String call(PeerConnection connection, Rpc rpc) throws Exception {
        List<?> args = rpc.args().apply(this);
        if (rpc.type() == CallType.ASYNC) {
            CompletableFuture<Object> reply = onContext(connection, () -> connection.session().async(rpc.method(), args));
            return reply.handle((value, error) -> error == null ? "answered: " + value
                    : "refused: " + (error.getCause() != null ? error.getCause() : error).getMessage()).get(10, TimeUnit.SECONDS);
        }
        CompletableFuture<String> outcome = new CompletableFuture<>();
        StreamListener listener = new StreamListener() {
            @Override
            public void onItem(Substream stream, Object item) {
                if (outcome.complete("answered: " + (item instanceof byte[] bytes ? bytes.length + " bytes" : item))) {
                    stream.abort();
                }
            }

            @Override
            public void onEnd(Substream stream, GossipException error) {
                outcome.complete(error == null ? "answered: end" : "refused: " + error.getMessage());
            }
        };
        connection.runOnContext(() -> {
            Substream stream = switch (rpc.type()) {
                case SOURCE -> connection.session().source(rpc.method(), args, listener);
                case SINK -> connection.session().sink(rpc.method(), args, listener);
                default -> connection.session().duplex(rpc.method(), args, listener);
            };
            if (rpc.method().equals("gossip.ping")) stream.write((double) System.currentTimeMillis());
        });
        return outcome.get(10, TimeUnit.SECONDS);
    }

    private static <T> T onContext(PeerConnection connection, java.util.concurrent.Callable<T> action) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        connection.runOnContext(() -> {
            try {
                result.complete(action.call());
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(10, TimeUnit.SECONDS);
    }
}
