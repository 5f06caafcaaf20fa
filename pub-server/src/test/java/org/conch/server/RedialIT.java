package org.conch.server;

import io.vertx.core.Future;
import org.conch.feed.FeedId;
import org.conch.feed.ref.MultiserverAddress;
import org.conch.feed.store.H2FeedStore;
import org.conch.gossip.net.PeerConnection;
import org.conch.server.InProcessConch.Run;
import org.conch.server.config.DataDirectory;
import org.conch.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.conch.server.InProcessConch.conch;
import static org.conch.server.InProcessConch.initialise;
import static org.conch.server.InProcessConch.localConfig;
import static org.conch.testing.RealPeer.freePort;

/**
 * conch dials the peers it keeps connected to again when they were down or went away: a peer that was not up
 * when conch began dialling, a peer that restarts, one asked for with {@code conch connect --keep}, and a pub
 * conch joined with an invite, after the pub restarts and after conch itself restarts. The waits between dials
 * are {@link RedialPolicy}'s (tested on its own); here only that the dial comes, however long it takes.
 */
class RedialIT {
    /** Enough for several doubled waits (1 + 2 + 4 + 8 + 16 s) on a loaded machine; it never measures speed. */
    private static final Duration REDIAL = Duration.ofSeconds(90);

    @RegisterExtension
    final BlockedEventLoops loops = new BlockedEventLoops();

    @TempDir
    Path conchData;
    @TempDir
    Path peerData;

    private final List<ConchServer> running = new ArrayList<>();

    @AfterEach
    void stopAll() {
        for (int i = running.size() - 1; i >= 0; i--) running.get(i).close();
    }

    private ConchServer start(Path data, String... settings) throws Exception {
        ConchServer server = loops.start(localConfig(data, settings), new DataDirectory(data));
        running.add(server);
        return server;
    }

    private void stop(ConchServer server) {
        server.close();
        running.remove(server);
    }

    /**
     * Stops {@code peer}, which conch is connected to, and starts it again with {@code settings} (its port among
     * them); returns it once conch has dialled it again and replicated a post it made after the restart.
     */
    private ConchServer restartAndAwaitRedial(ConchServer conch, ConchServer peer, String... settings) throws Exception {
        FeedId peerId = peer.identity().id();
        PeerConnection before = awaitConnection(conch, peerId);
        stop(peer);
        Await.until("conch to see its connection to " + peerId + " close", () -> before.closeFuture().isComplete());
        ConchServer restarted = start(peer.dataDirectory().root(), settings);
        assertThat(awaitConnection(conch, peerId)).as("a new connection").isNotSameAs(before);
        awaitHeld(conch, peerId, post(restarted, "after the restart"));
        return restarted;
    }

    @Test
    void aPeerThatWasDownWhenConchBeganDiallingIsReachedOnceItIsUp() throws Exception {
        FeedId peerId = initialise(peerData);
        initialise(conchData);
        int peerPort = freePort();
        ConchServer conch = start(conchData);
        follow(conchData, peerId);

        Future<PeerConnection> firstDial = conch.keepConnected(new MultiserverAddress("127.0.0.1", peerPort, peerId));
        Await.until("the first dial to end", () -> firstDial.isComplete());
        assertThat(firstDial.failed()).as("the first dial, before the peer is up").isTrue();

        ConchServer peer = start(peerData, "port", String.valueOf(peerPort));
        awaitConnection(conch, peerId);
        awaitHeld(conch, peerId, post(peer, "up at last"));
    }

    @Test
    void aConnectPeerThatRestartsIsDialledAgain() throws Exception {
        initialise(peerData);
        initialise(conchData);
        String peerPort = String.valueOf(freePort());
        ConchServer peer = start(peerData, "port", peerPort);
        ConchServer conch = start(conchData, "connect", peer.address().toString());
        follow(conchData, peer.identity().id());

        restartAndAwaitRedial(conch, peer, "port", peerPort);
    }

    @Test
    void connectWithKeepDialsAgainWhenThePeerRestarts() throws Exception {
        FeedId peerId = initialise(peerData);
        initialise(conchData);
        String peerPort = String.valueOf(freePort());
        ConchServer peer = start(peerData, "port", peerPort);
        ConchServer conch = start(conchData);
        follow(conchData, peerId);

        Run connect = conch(conchData, "connect", "--keep", peer.address().toString());
        assertThat(connect.exit()).as(connect.err()).isZero();
        assertThat(connect.out()).isEqualTo("connected to " + peerId + "\n");

        restartAndAwaitRedial(conch, peer, "port", peerPort);
    }

    @Test
    void aJoinedPubIsDialledAgainAfterThePubRestartsAndAfterConchRestarts() throws Exception {
        FeedId pubId = initialise(peerData);
        initialise(conchData);
        String[] pubSettings = {"port", String.valueOf(freePort()), "pub", "true", "public-host", "127.0.0.1"};
        ConchServer pub = start(peerData, pubSettings);
        ConchServer conch = start(conchData);
        Run created = conch(peerData, "invite", "create");
        assertThat(created.exit()).as(created.err()).isZero();
        Run accepted = conch(conchData, "invite", "accept", created.out().strip());
        assertThat(accepted.exit()).as(accepted.err()).isZero();
        awaitConnection(conch, pubId);

        pub = restartAndAwaitRedial(conch, pub, pubSettings);

        // conch restarts: no --connect, only its own feed says it joined the pub
        stop(conch);
        conch = start(conchData);
        awaitConnection(conch, pubId);
        awaitHeld(conch, pubId, post(pub, "after conch's restart"));
    }

    /** {@code conch follow FEED} through the running server of {@code data}. */
    private static void follow(Path data, FeedId feed) {
        Run follow = conch(data, "follow", feed.toString());
        assertThat(follow.exit()).as(follow.err()).isZero();
    }

    /** Publishes a post as {@code server}'s identity; returns its sequence. */
    private static long post(ConchServer server, String text) throws Exception {
        return server.publish(Map.of("type", "post", "text", text)).toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS).sequence();
    }

    private static PeerConnection awaitConnection(ConchServer conch, FeedId peer) {
        return Await.until("a connection from conch to " + peer, REDIAL, () -> connectionTo(conch, peer), Optional::isPresent)
                .orElseThrow();
    }

    private static Optional<PeerConnection> connectionTo(ConchServer conch, FeedId peer) {
        return conch.node().connections().stream().filter(c -> peer.equals(c.remoteId()) && c.isClient()).findFirst();
    }

    private static void awaitHeld(ConchServer conch, FeedId feed, long sequence) {
        H2FeedStore store = conch.store();
        Await.until(feed + " up to " + sequence + " at conch",
                () -> store.state(feed).map(state -> state.sequence() >= sequence).orElse(false));
    }
}
