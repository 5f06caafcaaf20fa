package org.conch.server;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.feed.json.Json;
import org.conch.feed.ref.InviteCode;
import org.conch.gossip.muxrpc.RemoteCallException;
import org.conch.gossip.net.GossipConfig;
import org.conch.gossip.net.GossipNode;
import org.conch.gossip.net.PeerConnection;
import org.conch.server.InProcessConch.Run;
import org.conch.server.config.DataDirectory;
import org.conch.server.invite.InviteAcceptor;
import org.conch.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.conch.server.InProcessConch.conch;
import static org.conch.server.InProcessConch.initialise;
import static org.conch.server.InProcessConch.localConfig;

/**
 * Invites between two conch servers running in this JVM, through the CLI as a user runs it: the pub's
 * announcements, what a guest may call, redeeming through the newcomer's running server and the
 * replication that follows, and the refusals.
 */
class InviteServerIT {
    @RegisterExtension
    final BlockedEventLoops loops = new BlockedEventLoops();

    @TempDir
    Path pubData;
    @TempDir
    Path newcomerData;

    private final List<AutoCloseable> running = new ArrayList<>();
    private final Vertx vertx = loops.newVertx();

    @AfterEach
    void stop() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) running.get(i).close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private ConchServer start(Path data, String... settings) throws Exception {
        ConchServer server = loops.start(localConfig(data, settings), new DataDirectory(data));
        running.add(server);
        return server;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> contents(ConchServer server, FeedId feed) {
        List<Map<String, Object>> contents = new ArrayList<>();
        server.store().forEachInFeed(feed, 1, 0, stored -> contents.add((Map<String, Object>) stored.message().content()));
        return contents;
    }

    @Test
    void theRoleAnnouncesThePubOnceAcrossRestarts() throws Exception {
        FeedId pubId = initialise(pubData);
        String port = String.valueOf(freePort());
        ConchServer pub = start(pubData, "port", port, "pub", "true", "public-host", "pub.example.org", "name", "Example");
        assertThat(contents(pub, pubId)).extracting(content -> content.get("type")).containsExactly("pub", "about");
        assertThat((Map<?, ?>) contents(pub, pubId).get(0).get("address")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.map(String.class, Object.class))
                .containsEntry("host", "pub.example.org").containsEntry("port", Double.valueOf(port)).containsEntry("key", pubId.toString());
        pub.close();
        running.clear();

        ConchServer again = start(pubData, "port", port, "pub", "true", "public-host", "pub.example.org", "name", "Example");
        assertThat(contents(again, pubId)).as("nothing new to announce").hasSize(2);
    }

    @Test
    void aNewcomerRedeemsThroughItsRunningServerAndTheyReplicate() throws Exception {
        FeedId pubId = initialise(pubData);
        FeedId newcomerId = initialise(newcomerData);
        ConchServer pub = start(pubData, "pub", "true", "public-host", "127.0.0.1", "invite-max-uses", "2", "invite-max-days", "1");
        ConchServer newcomer = start(newcomerData);

        // the running server's limits decide, not what the CLI alone would allow
        Run tooMany = conch(pubData, "invite", "create", "--uses", "3");
        assertThat(tooMany.exit()).isEqualTo(1);
        assertThat(tooMany.err()).isEqualTo("conch: uses must be between 1 and 2 (invite-max-uses), got 3\n");
        Run tooLong = conch(pubData, "invite", "create", "--expires", "25h");
        assertThat(tooLong.err()).isEqualTo("conch: expiry must be between 1m and 1d (invite-max-days), got 25h\n");

        Run created = conch(pubData, "--json", "invite", "create", "--uses", "2", "--expires", "1h", "--note", "hi");
        assertThat(created.exit()).as(created.err()).isZero();
        Map<String, Object> invite = Json.parseObject(created.out().strip());
        InviteCode code = InviteCode.parse((String) invite.get("code"));
        assertThat(code.address()).isEqualTo(pub.pubAddress());
        assertThat(invite).containsEntry("uses", 2.0).containsEntry("used", 0.0).containsEntry("status", "live")
                .containsEntry("note", "hi");

        guestMayOnlyRedeem(code, pub);

        Run accepted = conch(newcomerData, "invite", "accept", "\"" + code + "\"");
        assertThat(accepted.exit()).as(accepted.err()).isZero();
        assertThat(accepted.out()).contains("accepted: " + pubId);
        assertThat(contents(newcomer, newcomerId)).extracting(content -> content.get("type")).containsExactly("contact", "pub");
        assertThat(contents(pub, pubId)).last().satisfies(content -> assertThat(content)
                .containsEntry("contact", newcomerId.toString()).containsEntry("pub", true).containsEntry("note", "hi"));

        assertThat(conch(newcomerData, "publish", "--type", "post", "--text", "hello pub").exit()).isZero();
        assertThat(conch(pubData, "publish", "--type", "post", "--text", "welcome").exit()).isZero();
        Await.until("the newcomer's feed at the pub",
                () -> pub.store().state(newcomerId).map(state -> state.sequence() == 3).orElse(false));
        long pubLatest = pub.store().state(pubId).orElseThrow().sequence();
        Await.until("the pub's feed at the newcomer",
                () -> newcomer.store().state(pubId).map(state -> state.sequence() == pubLatest).orElse(false));

        Run twice = conch(newcomerData, "invite", "accept", code.toString());
        assertThat(twice.exit()).isEqualTo(1);
        assertThat(twice.err()).isEqualTo("conch: the pub at " + code.host() + ":" + code.port() + " refused the invite: already following\n");

        String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + pub.httpPort() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("conch_invites_redeemed_total 1.0", "conch_invites_refused_total 1.0");

        FeedId inviteKey = FeedId.parse((String) invite.get("id"));
        assertThat(conch(pubData, "invite", "revoke", inviteKey.toString()).exit()).isZero();
        assertThatThrownBy(() -> redeem(code, Identity.generate().id()))
                .hasMessageContaining("did not accept the invite (used up, expired or revoked?)");
        Run list = conch(pubData, "invite", "list");
        assertThat(list.out()).startsWith(inviteKey + "  1/2 used  revoked  expires ").endsWith("  hi\n");
    }

    /** A connection with the invite's key may call invite.use, getAddress and manifest, and nothing of replication. */
    private void guestMayOnlyRedeem(InviteCode code, ConchServer pub) throws Exception {
        GossipNode guest = GossipNode.create(vertx, Identity.fromSeed(code.seed()), GossipConfig.defaults());
        try {
            PeerConnection connection = guest.connect(code.address()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            @SuppressWarnings("unchecked")
            Map<String, Object> manifest = (Map<String, Object>) call(connection, "manifest", List.of());
            assertThat(manifest.keySet()).containsExactlyInAnyOrder("manifest", "invite", "getAddress");
            assertThat(call(connection, "getAddress", List.of())).isEqualTo(pub.pubAddress().toString());
            assertThatThrownBy(() -> call(connection, "ebt.clock", List.of()))
                    .hasRootCauseInstanceOf(RemoteCallException.class).rootCause().hasMessageContaining("ebt,clock");
            assertThatThrownBy(() -> call(connection, "whoami", List.of())).hasRootCauseInstanceOf(RemoteCallException.class);
            FeedId guestKey = Identity.fromSeed(code.seed()).id();
            assertThat(pub.replication().status().toCompletableFuture().get(10, TimeUnit.SECONDS).peer(guestKey.toString()))
                    .as("the pub replicates nothing with a guest").isNull();
        } finally {
            guest.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static Object call(PeerConnection connection, String method, List<?> args) throws Exception {
        return connection.session().async(method, args).get(10, TimeUnit.SECONDS);
    }

    private Object redeem(InviteCode code, FeedId feed) throws Exception {
        try {
            return InviteAcceptor.redeem(vertx, GossipConfig.defaults(), code, feed).toCompletionStage().toCompletableFuture()
                    .get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    @Test
    void badCodesAndUnreachablePubsAreOneLineErrors() throws Exception {
        initialise(newcomerData);
        Run bad = conch(newcomerData, "invite", "accept", "not-a-code");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).startsWith("conch invite accept: invalid invite code").hasLineCount(1);

        InviteCode nowhere = new InviteCode("127.0.0.1", freePort(), Identity.generate().id(), new byte[32]);
        Run unreachable = conch(newcomerData, "invite", "accept", nowhere.toString());
        assertThat(unreachable.exit()).isEqualTo(1);
        assertThat(unreachable.err()).startsWith("conch: cannot reach the pub at 127.0.0.1:" + nowhere.port()).hasLineCount(1);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
