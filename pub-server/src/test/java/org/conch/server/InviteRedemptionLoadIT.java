package org.conch.server;

import io.vertx.core.Future;
import org.junit.jupiter.api.extension.RegisterExtension;
import io.vertx.core.Vertx;
import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.feed.ref.InviteCode;
import org.conch.gossip.net.GossipConfig;
import org.conch.server.InProcessConch.Run;
import org.conch.server.config.DataDirectory;
import org.conch.server.invite.InviteAcceptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.conch.server.InProcessConch.conch;
import static org.conch.server.InProcessConch.initialise;
import static org.conch.server.InProcessConch.localConfig;

/**
 * Issue 4's target over real sockets: 200 newcomers redeem one invite of 50 uses at the same moment.
 * Every redemption succeeds or is refused with a reason, exactly 50 succeed, and the pub follows exactly
 * those 50 feeds.
 */
class InviteRedemptionLoadIT {
    @RegisterExtension
    final BlockedEventLoops loops = new BlockedEventLoops();

    private static final int NEWCOMERS = 200;
    private static final int USES = 50;

    @TempDir
    Path pubData;

    @Test
    void twoHundredParallelRedemptionsOfAFiftyUseInviteGiveExactlyFiftyFollows() throws Exception {
        FeedId pubId = initialise(pubData);
        Vertx vertx = loops.newVertx();
        try (ConchServer pub = loops.start(localConfig(pubData, "pub", "true", "public-host", "127.0.0.1",
                "max-connections", "1000", "max-connections-per-address", "1000"), new DataDirectory(pubData))) {
            Run created = conch(pubData, "invite", "create", "--uses", String.valueOf(USES));
            assertThat(created.exit()).as(created.err()).isZero();
            InviteCode code = InviteCode.parse(created.out().strip());

            List<FeedId> newcomers = new ArrayList<>();
            List<Future<Object>> redemptions = new ArrayList<>();
            for (int i = 0; i < NEWCOMERS; i++) {
                FeedId newcomer = Identity.generate().id();
                newcomers.add(newcomer);
                redemptions.add(InviteAcceptor.redeem(vertx, GossipConfig.defaults(), code, newcomer));
            }
            Future.join(redemptions).toCompletionStage().toCompletableFuture().handle((done, error) -> null).get(3, TimeUnit.MINUTES);

            List<FeedId> redeemed = new ArrayList<>();
            Map<String, Integer> refusals = new TreeMap<>();
            for (int i = 0; i < NEWCOMERS; i++) {
                Future<Object> redemption = redemptions.get(i);
                assertThat(redemption.isComplete()).as("redemption %d finished", i).isTrue();
                if (redemption.succeeded()) {
                    redeemed.add(newcomers.get(i));
                } else {
                    String reason = String.valueOf(redemption.cause().getMessage());
                    assertThat(reason).as("a refusal says why").isNotBlank();
                    refusals.merge(reason.replaceAll("@\\S+", "@…"), 1, Integer::sum);
                }
            }
            System.out.println("invite load: " + redeemed.size() + " redeemed, refused: " + refusals);
            assertThat(redeemed).as("refusals: %s", refusals).hasSize(USES);

            List<String> followed = new ArrayList<>();
            pub.store().forEachInFeed(pubId, 1, 0, stored -> {
                if (stored.message().content() instanceof Map<?, ?> content && "contact".equals(content.get("type"))) {
                    followed.add((String) content.get("contact"));
                }
            });
            assertThat(followed).containsExactlyInAnyOrderElementsOf(redeemed.stream().map(FeedId::toString).toList());
            Run list = conch(pubData, "invite", "list");
            assertThat(list.out()).contains(USES + "/" + USES + " used");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
