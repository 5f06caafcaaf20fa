package org.conch.server.web;

import org.conch.feed.FeedId;
import org.conch.feed.MessageId;
import org.conch.feed.ref.MultiserverAddress;
import org.conch.testing.Await;
import org.conch.testing.RealPeer;
import org.conch.testing.RealPeer.Stack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Private messages (box1) with real peers, in Chromium: a real ssb-server 16 and a real Manyverse-stack peer
 * (ssb-db2 with ssb-box 1.0.1) each write privately to conch's identity; both messages show on the Private page,
 * a private message between the two peers does not, and the reply written in the page is opened by the peer
 * it answers (and not by the other).
 */
class PrivateMessagesBrowserIT extends BrowserTestBase {
    private static final long REPLICATION_MS = 60_000;

    private RealPeer classic;
    private RealPeer manyverse;

    @BeforeEach
    void start() throws Exception {
        classic = RealPeer.start(Stack.CLASSIC, work.resolve("classic"));
        manyverse = RealPeer.start(Stack.MANYVERSE, work.resolve("manyverse"));
    }

    @AfterEach
    void stop() throws Exception {
        if (manyverse != null) manyverse.close();
        if (classic != null) classic.close();
    }

    @Test
    void privateMessagesFromBothRealStacksShowInThePageAndEachPeerOpensConchsReply() throws Exception {
        String conchId = conch.identity().id().toString();
        classic.call("publish", Map.of("content", Map.of("type", "about", "about", classic.id(), "name", "Classic Carl")));
        manyverse.call("publish", Map.of("content", Map.of("type", "about", "about", manyverse.id(), "name", "Many Mia")));
        String fromClassic = privately(classic, "from ssb-server, for conch only", List.of(classic.id(), conchId));
        String fromManyverse = privately(manyverse, "from the manyverse stack, for conch only", List.of(manyverse.id(), conchId));
        privately(classic, "between the two peers", List.of(classic.id(), manyverse.id()));

        for (RealPeer peer : List.of(classic, manyverse)) {
            peer.follow(conchId);
            conch.publish(Map.of("type", "contact", "contact", peer.id(), "following", true)).toCompletionStage()
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
            conch.connectOnce(MultiserverAddress.parse(peer.address())).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            long latest = peer.latest(peer.id());
            FeedId feed = FeedId.parse(peer.id());
            Await.until("conch holds " + peer.stack() + "'s feed up to " + latest, Duration.ofMillis(REPLICATION_MS),
                    () -> conch.store().state(feed).map(state -> state.sequence() >= latest).orElse(false));
        }
        conch.privateIndex().indexed().get(30, TimeUnit.SECONDS);

        browser.open(page + "#/private");
        browser.waitFor("li.conversation", "from ssb-server, for conch only");
        browser.waitFor("li.conversation", "from the manyverse stack, for conch only");
        assertThat(browser.texts("li.conversation .participants")).contains("Classic Carl", "Many Mia");
        browser.waitFor("nav #private-unread", "2 unread");
        assertThat(browser.texts("main")).noneSatisfy(main -> assertThat(main).contains("between the two peers"));
        assertThat(conch.privateIndex().conversations(50)).hasSize(2);
        browser.screenshot(Paths.get("target", "web-client-private.png"));

        replyInThePage(page, fromClassic, "Classic Carl", "conch answers ssb-server privately");
        replyInThePage(page, fromManyverse, "Many Mia", "conch answers manyverse privately");

        // Live: a private message arriving while its conversation is open appears without a reload.
        browser.eval("window.notReloaded = true");
        manyverse.call("publishPrivate", Map.of("content", Map.of("type", "post", "text", "mia again, live", "root", fromManyverse),
                "recps", List.of(manyverse.id(), conchId)));
        browser.waitFor("article.message.new", "mia again, live", REPLICATION_MS);
        assertThat(browser.eval("window.notReloaded === true")).isEqualTo(true);
        Await.until("no unread private message left in the navigation", Duration.ofSeconds(30),
                () -> Boolean.TRUE.equals(browser.eval("document.getElementById('private-unread').hidden")));

        long conchSequence = conch.store().state(conch.identity().id()).orElseThrow().sequence();
        for (RealPeer peer : List.of(classic, manyverse)) peer.waitFor(conchId, conchSequence, REPLICATION_MS);
        assertThat(openedBy(classic, conchId)).containsExactly("conch answers ssb-server privately");
        assertThat(openedBy(manyverse, conchId)).containsExactly("conch answers manyverse privately");
        assertThat(browser.problems().get("pageErrors")).isEmpty();
    }

    /** Opens the conversation from the Private page, writes a reply in it, and sees it shown opened. */
    private void replyInThePage(String page, String root, String name, String text) throws Exception {
        browser.open(page + "#/private");
        browser.click("li.conversation[data-root='" + root + "'] a", null);
        browser.waitFor("main[data-route^='#/private/'] p.participants", name);
        browser.fill("form.compose textarea", text);
        browser.click("form.compose button[type=submit]", null);
        browser.waitFor("article.message", text);
        assertThat(conch.privateIndex().messages(MessageId.parse(root))).extracting(m -> m.content().get("text"))
                .contains(text);
    }

    /** Publishes a private post through the peer's own stack, which boxes it; returns its key. */
    private static String privately(RealPeer peer, String text, List<String> recps) throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> kvt = (Map<String, Object>) peer.call("publishPrivate",
                Map.of("content", Map.of("type", "post", "text", text), "recps", recps));
        assertThat(((Map<?, ?>) kvt.get("value")).get("content")).as("the peer boxed it").isInstanceOf(String.class);
        return (String) kvt.get("key");
    }

    /** The texts of {@code author}'s private messages that {@code peer} opens with its own stack. */
    @SuppressWarnings("unchecked")
    private static List<Object> openedBy(RealPeer peer, String author) throws Exception {
        List<Map<String, Object>> opened = (List<Map<String, Object>>) peer.call("privateMessages", Map.of());
        return opened.stream()
                .map(message -> (Map<String, Object>) message.get("value"))
                .filter(value -> author.equals(value.get("author")))
                .map(value -> ((Map<?, ?>) value.get("content")).get("text"))
                .map(Object.class::cast)
                .toList();
    }
}
