package org.conch.server.web;

import org.conch.feed.FeedId;
import org.conch.testing.Await;
import org.conch.testing.RealPeer;
import org.conch.testing.RealPeer.Stack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
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
class WebClientIT extends BrowserTestBase {
    private static final long REPLICATION_MS = 60_000;
    private static final String HOSTILE = "hostile: <script>window.pwned = 'script'</script> "
            + "[click me](javascript:window.pwned='link') <img src=x onerror=\"window.pwned='img'\"> "
            + "![pic](javascript:window.pwned='image') [data](data:text/html,<script>alert(1)</script>) "
            + "<a href=\"JaVaScRiPt:alert(1)\">raw link</a>";

    private RealPeer peer;

    @BeforeEach
    void start() throws Exception {
        peer = RealPeer.start(Stack.CLASSIC, work.resolve("peer"));
    }

    @AfterEach
    void stop() throws Exception {
        if (peer != null) peer.close();
    }

    /**
     * Blobs in the page: the real peer's picture (an {@code about} image) and a post with an image, both
     * replicated and fetched from it, show as loaded images; an image picked in the compose form is stored
     * here, shown in the post, and the post that reaches the peer mentions it.
     */
    @Test
    void avatarsAndImagesFromARealPeerShowAndAPickedImageIsPosted() throws Exception {
        byte[] picture = png(java.awt.Color.ORANGE);
        String pictureId = (String) peer.call("blobs.add", Map.of("base64", java.util.Base64.getEncoder().encodeToString(picture)));
        byte[] drawing = png(java.awt.Color.BLUE);
        String drawingId = (String) peer.call("blobs.add", Map.of("base64", java.util.Base64.getEncoder().encodeToString(drawing)));
        peer.call("publish", Map.of("content", Map.of("type", "about", "about", peer.id(), "name", "Pic Peer", "image", pictureId)));
        peer.call("publish", Map.of("content", Map.of("type", "post", "text", "a drawing: ![drawing](" + drawingId + ")",
                "mentions", List.of(Map.of("link", drawingId)))));
        String conchId = conch.identity().id().toString();
        peer.follow(conchId);
        conch.publish(Map.of("type", "contact", "contact", peer.id(), "following", true))
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        conch.connectOnce(org.conch.feed.ref.MultiserverAddress.parse(peer.address()))
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        for (String blob : List.of(pictureId, drawingId)) {
            Await.until("conch fetched " + blob + " from the peer", Duration.ofMillis(REPLICATION_MS),
                    () -> conch.blobStore().has(org.conch.feed.BlobId.parse(blob)));
        }

        browser.open(page + "#/home");
        browser.waitFor("article.message", "a drawing:");
        String loaded = "[...document.querySelectorAll('%s')].filter(i => i.complete && i.naturalWidth === 8).length";
        Await.until("the peer's picture shows on its post", Duration.ofMillis(REPLICATION_MS),
                () -> eval(String.format(loaded, "article.message img.avatar-small")) >= 1.0);
        Await.until("the drawing shows in the post", Duration.ofMillis(REPLICATION_MS),
                () -> eval(String.format(loaded, "article.message .content img, article.message img[alt=drawing]")) >= 1.0);

        Path file = work.resolve("picked.png");
        byte[] picked = png(java.awt.Color.GREEN);
        java.nio.file.Files.write(file, picked);
        String pickedId = org.conch.feed.BlobId.of(java.security.MessageDigest.getInstance("SHA-256").digest(picked)).toString();
        browser.setFile("form.compose input[type=file]", file);
        browser.waitFor("form.compose .status", "Image added.");
        assertThat(browser.eval("document.querySelector('form.compose textarea').value")).asString().contains(pickedId);
        browser.fill("form.compose textarea", "picked in the page ![picked](" + pickedId + ")");
        browser.click("form.compose button[type=submit]", null);
        browser.waitFor("article.message", "picked in the page");
        Await.until("the picked image shows in the new post", Duration.ofMillis(REPLICATION_MS),
                () -> eval(String.format(loaded, "article.message img[alt=picked]")) >= 1.0);
        long sequence = conch.store().state(conch.identity().id()).orElseThrow().sequence();
        peer.waitFor(conchId, sequence, REPLICATION_MS);
        @SuppressWarnings("unchecked")
        Map<String, Object> content = (Map<String, Object>) peer.feed(conchId).get((int) sequence - 1).get("content");
        assertThat(content.get("mentions")).asString().contains(pickedId);
        browser.screenshot(Paths.get("target", "web-client-images.png"));

        // The local user names themselves on their own profile.
        browser.open(page + "#/profile/me");
        browser.fill("#own-name", "Browser User");
        browser.click("form.name button[type=submit]", null);
        browser.waitFor("main[data-route^='#/profile/'] h1", "Browser User");
        assertThat(conch.store().byType("about", 10)).anySatisfy(about ->
                assertThat(about.message().content()).asString().contains("Browser User"));
        assertThat(browser.problems().get("pageErrors")).isEmpty();
    }

    private double eval(String expression) {
        try {
            return ((Number) browser.eval(expression)).doubleValue();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An 8×8 PNG of one colour. */
    static byte[] png(java.awt.Color color) throws java.io.IOException {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D graphics = image.createGraphics();
        graphics.setColor(color);
        graphics.fillRect(0, 0, 8, 8);
        graphics.dispose();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", bytes);
        return bytes.toByteArray();
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
        browser.open(page + "#/invite");
        browser.fill("#invite-code", peer.createInvite(1));
        browser.click("form.invite button[type=submit]", null);
        browser.waitFor("form.invite .status", "Invite accepted", REPLICATION_MS);
        Await.until("conch holds the real peer's feed up to " + peerSequence, Duration.ofMillis(REPLICATION_MS),
                () -> conch.store().state(peerId).map(s -> s.sequence() >= peerSequence).orElse(false));

        browser.open(page + "#/home");
        browser.waitFor("article.message", "first post from ssb-server");
        // A figure for issue 4's "first page interactive in under 1 s" (printed, not asserted: no timing in tests).
        System.out.println("web client first page: " + browser.eval("JSON.stringify({domInteractiveMs: "
                + "Math.round(performance.getEntriesByType('navigation')[0].domInteractive), timelineShownByMs: Math.round(performance.now())})"));
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
}
