package org.conch.server.web;

import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.server.ConchServer;
import org.conch.server.ServerConfig;
import org.conch.server.cli.DataDirectory;
import org.conch.server.interop.RealPeer;
import org.conch.server.interop.RealPeer.Stack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web client in a real browser (Debian's Chromium via playwright-core) against a running conch
 * that joins a real ssb-server pub by accepting its invite in the page: the pub's posts show with its
 * name, a post and a reply written in the page reach it, a post it publishes appears without a
 * reload, and a hostile post renders inert.
 */
class WebClientIT {
    private static final long REPLICATION_MS = 60_000;
    private static final String HOSTILE = "hostile: <script>window.pwned = 'script'</script> "
            + "[click me](javascript:window.pwned='link') <img src=x onerror=\"window.pwned='img'\"> "
            + "![pic](javascript:window.pwned='image') [data](data:text/html,<script>alert(1)</script>) "
            + "<a href=\"JaVaScRiPt:alert(1)\">raw link</a>";

    @TempDir
    Path work;

    private RealPeer peer;
    private ConchServer conch;
    private Browser browser;

    @BeforeEach
    void start() throws Exception {
        peer = RealPeer.start(Stack.CLASSIC, work.resolve("peer"));
        Path data = work.resolve("conch");
        Identity.generate().save(data.resolve("secret"));
        conch = ConchServer.start(ServerConfig.load(data, Map.of(),
                Map.of("host", "127.0.0.1", "port", "0", "http-port", "0", "lan", "false")), new DataDirectory(data));
        browser = Browser.start(work.resolve("browser.log"));
    }

    @AfterEach
    void stop() throws Exception {
        if (browser != null) browser.close();
        if (conch != null) conch.close();
        if (peer != null) peer.close();
    }

    @Test
    void theClientShowsTheRealPeersPostsPublishesRepliesAndUpdatesLive() throws Exception {
        String conchId = conch.identity().id().toString();
        FeedId peerId = FeedId.parse(peer.id());
        peer.call("publish", Map.of("content", Map.of("type", "about", "about", peer.id(), "name", "Real Peer")));
        String first = peer.publishPost("first post from **ssb-server**");
        peer.publishPost("second post, with a [link](https://example.com)");
        peer.publishPost(HOSTILE);
        long peerSequence = peer.latest(peer.id());

        // Joining through the page: the real peer acts as a pub and gives out an invite; accepting it makes
        // conch follow the pub and stay connected, and the pub follow conch.
        String page = "http://127.0.0.1:" + conch.httpPort() + "/";
        browser.open(page + "#/invite");
        browser.fill("#invite-code", peer.createInvite(1));
        browser.click("form.invite button[type=submit]", null);
        browser.waitFor("form.invite .status", "Invite accepted", REPLICATION_MS);
        awaitTrue(() -> conch.store().state(peerId).map(s -> s.sequence() >= peerSequence).orElse(false),
                "conch holds the real peer's feed up to " + peerSequence);

        browser.open(page + "#/home");
        browser.waitFor("article.message", "first post from ssb-server");
        assertThat(browser.texts("article.message .author")).contains("Real Peer");
        assertThat(browser.texts("article.message strong")).contains("ssb-server");
        browser.screenshot(Paths.get("target", "web-client-home.png"));

        // The hostile post is on the page as text, and none of its code ran.
        browser.waitFor("article.message", "hostile:");
        assertThat(browser.eval("window.pwned === undefined")).as("no script of the hostile post ran").isEqualTo(true);
        assertThat(browser.eval("document.querySelectorAll('[href^=\"javascript:\" i], [src^=\"javascript:\" i], "
                + "[href^=\"data:\" i]').length")).as("no javascript: or data: link in the DOM").isEqualTo(0.0);
        assertThat(browser.eval("document.querySelectorAll('main script, main iframe, main [onerror], main [onclick]').length"))
                .isEqualTo(0.0);
        assertThat(browser.texts("article.message")).anySatisfy(text -> assertThat(text).contains("<script>", "click me"));

        // Live: a post the peer publishes now appears without a reload.
        browser.eval("window.notReloaded = true");
        peer.publishPost("live from the real peer");
        browser.waitFor("article.message.new", "live from the real peer", REPLICATION_MS);
        assertThat(browser.eval("window.notReloaded === true")).isEqualTo(true);

        // A post composed in the page is in the timeline and reaches the real peer.
        browser.fill("form.compose textarea", "hello from the **browser**");
        browser.click("form.compose button[type=submit]", null);
        browser.waitFor("article.message", "hello from the browser");
        long afterPost = conch.store().state(conch.identity().id()).orElseThrow().sequence();
        peer.waitFor(conchId, afterPost, REPLICATION_MS);
        assertThat(texts(peer.feed(conchId))).contains("hello from the **browser**");

        // A reply written in the thread shows there and reaches the peer with the thread's root.
        browser.click("article.message:has-text('first post from ssb-server') footer a", null);
        browser.waitFor("main[data-route^='#/thread/'] article.message", "first post from ssb-server");
        browser.fill("form.compose textarea", "a reply from the browser");
        browser.click("form.compose button[type=submit]", "Reply");
        browser.waitFor("article.message", "a reply from the browser");
        browser.screenshot(Paths.get("target", "web-client-thread.png"));
        long afterReply = conch.store().state(conch.identity().id()).orElseThrow().sequence();
        peer.waitFor(conchId, afterReply, REPLICATION_MS);
        Map<String, Object> reply = peer.feed(conchId).get((int) afterReply - 1);
        @SuppressWarnings("unchecked")
        Map<String, Object> replyContent = (Map<String, Object>) reply.get("content");
        assertThat(replyContent).containsEntry("text", "a reply from the browser").containsEntry("root", first);

        // The profile names the peer and offers to unfollow it; the peers page shows its progress.
        browser.click("article.message .author", "Real Peer");
        browser.waitFor("main[data-route^='#/profile/'] h1", "Real Peer");
        browser.waitFor("main button", "Unfollow");
        browser.open(page + "#/peers");
        browser.waitFor("article.peer progress", null);
        browser.screenshot(Paths.get("target", "web-client-peers.png"));

        Map<String, List<String>> problems = browser.problems();
        assertThat(problems.get("dialogs")).as("no alert() ran").isEmpty();
        assertThat(problems.get("pageErrors")).isEmpty();
        assertThat(problems.get("consoleErrors")).as("no errors, and nothing blocked by the CSP either: the markup was clean")
                .isEmpty();
    }

    private static List<String> texts(List<Map<String, Object>> values) {
        return values.stream()
                .map(value -> value.get("content") instanceof Map<?, ?> content && content.get("text") instanceof String text ? text : "")
                .toList();
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REPLICATION_MS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
            Thread.sleep(50);
        }
    }
}
