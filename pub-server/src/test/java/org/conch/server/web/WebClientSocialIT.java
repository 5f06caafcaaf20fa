package org.conch.server.web;

import org.conch.feed.Message;
import org.conch.feed.ref.MultiserverAddress;
import org.conch.feed.store.StoredMessage;
import org.conch.testing.Await;
import org.conch.testing.RealPeer;
import org.conch.testing.RealPeer.Stack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Likes, content warnings, tags, search, replies and the Activity page in a real browser (Debian's Chromium on a
 * phone-sized page) with the messages of real peers: a Manyverse-stack peer's emoji like, warned post and hashtag
 * post; an ssb-server peer's reply and mention, which reach the Activity page and its unread count live.
 */
class WebClientSocialIT extends BrowserTestBase {
    private static final long REPLICATION_MS = 60_000;

    private RealPeer peer;

    @AfterEach
    void stop() throws Exception {
        if (peer != null) peer.close();
    }

    @Test
    void aManyversePeersEmojiLikeIsCountedItsWarningCollapsedAndItsHashtagPostFoundByTagAndSearch() throws Exception {
        peer = RealPeer.start(Stack.MANYVERSE, work.resolve("peer"));
        String mine = publish(Map.of("type", "post", "text", "my first tomatoes")).key().toString();
        peer.call("publish", Map.of("content", Map.of("type", "about", "about", peer.id(), "name", "Many Verse")));
        peer.call("publish", Map.of("content", Map.of("type", "vote", "vote", Map.of("link", mine, "value", 1, "expression", "❤️"))));
        peer.call("publish", Map.of("content", Map.of("type", "post", "text", "the ending of the film", "contentWarning", "spoilers")));
        peer.call("publish", Map.of("content", Map.of("type", "post", "text", "sowing beans #gardening",
                "mentions", List.of(Map.of("link", "#gardening")))));
        replicateWithPeer();

        browser.open(page + "#/public");
        browser.waitFor("article.message[data-key='" + mine + "'] .likes", "1 ❤️");
        browser.click("article.message[data-key='" + mine + "'] button.who-liked", null);
        browser.waitFor("article.message[data-key='" + mine + "'] .voters li", "Many Verse");
        browser.click("article.message[data-key='" + mine + "'] button.like", null);
        browser.waitFor("article.message[data-key='" + mine + "'] button.like[aria-pressed='true']", "Unlike");
        browser.waitFor("article.message[data-key='" + mine + "'] .likes", "1 ❤️ · 1 Like");
        assertThat(conch.store().byType("vote", 1)).extracting(stored -> stored.message().author()).containsExactly(conch.identity().id());

        // The warned post shows its warning; its text stays hidden until the reader opens it.
        browser.waitFor("article.message details.content-warning summary", "spoilers");
        assertThat(browser.eval("document.querySelector('details.content-warning').open")).isEqualTo(false);
        assertThat(browser.eval("document.querySelector('details.content-warning .markdown').checkVisibility()")).isEqualTo(false);
        browser.click("details.content-warning summary", null);
        browser.waitFor("details.content-warning .markdown", "the ending of the film");

        // The tag is a link to its page, which lists the post; search finds it by a word and by the tag.
        browser.click("article.message a.tag", "#gardening");
        browser.waitFor("main[data-route='#/tag/gardening'] h1", "#gardening");
        browser.waitFor("main article.message", "sowing beans");
        browser.click("main button", "Subscribe");
        browser.waitFor("main button[aria-pressed='true']", "Unsubscribe");
        browser.click("nav a", "Search");
        browser.waitFor("main[data-route='#/search'] label", "Search posts");
        browser.fill("#search-query", "BEANS");
        browser.click("form.search button", "Search");
        browser.waitFor("main[data-route='#/search/BEANS'] article.message", "sowing beans");
        browser.open(page + "#/search/" + java.net.URLEncoder.encode("#gardening", java.nio.charset.StandardCharsets.UTF_8));
        browser.waitFor("main article.message", "sowing beans");
        browser.screenshot(Paths.get("target", "web-client-social.png"));
        assertThat(browser.problems().get("pageErrors")).isEmpty();
    }

    @Test
    void anSsbServerPeersReplyAndMentionReachTheActivityPageLiveAndAReplyToItForksTheThread() throws Exception {
        peer = RealPeer.start(Stack.CLASSIC, work.resolve("peer"));
        String conchId = conch.identity().id().toString();
        String root = publish(Map.of("type", "post", "text", "what should I plant?")).key().toString();
        peer.call("publish", Map.of("content", Map.of("type", "about", "about", peer.id(), "name", "Classic Peer")));

        browser.open(page + "#/home");
        browser.waitFor("main[data-route='#/home'] h1", "Home");
        // A draft survives a reload until it is posted.
        browser.fill("form.compose textarea", "half a thought");
        browser.open(page + "?reloaded#/home"); // another URL: a new document, not a jump within this one
        browser.waitFor("main[data-route='#/home'] h1", "Home");
        assertThat(browser.eval("document.querySelector('form.compose textarea').value")).isEqualTo("half a thought");

        @SuppressWarnings("unchecked")
        Map<String, Object> reply = (Map<String, Object>) peer.call("publish", Map.of("content",
                Map.of("type", "post", "text", "beans!", "root", root, "branch", root)));
        peer.call("publish", Map.of("content", Map.of("type", "post", "text", "ask [@gardener](" + conchId + ")",
                "mentions", List.of(Map.of("link", conchId, "name", "gardener")))));
        replicateWithPeer();

        // the reply, the mention and the peer's follow, counted live without a reload
        browser.waitFor("nav #unread", "3");
        browser.open(page + "?again#/home"); // the root post drawn afresh, with its reply counted
        browser.waitFor("article.message[data-key='" + root + "'] a.replies", "1 reply · latest by Classic Peer");
        browser.click("nav a", "Activity");
        browser.waitFor("main[data-route='#/activity'] .activity-kind[data-kind='reply']", "Classic Peer replied in your thread");
        browser.waitFor("main .activity-kind[data-kind='mention']", "Classic Peer mentioned you");
        browser.waitFor("main .activity-kind[data-kind='follow']", "Classic Peer followed you");
        Await.until("the unread count cleared once Activity is open",
                () -> "".equals(browser.eval("document.getElementById('unread').textContent")));

        // Reply to the reply: a new thread forked from the first one, as Patchwork and Manyverse write it.
        String replyKey = (String) reply.get("key");
        browser.click("article.message[data-key='" + replyKey + "'] button.reply", null);
        browser.fill("article.message[data-key='" + replyKey + "'] form.compose textarea", "which beans?");
        browser.click("article.message[data-key='" + replyKey + "'] form.compose button[type=submit]", null);
        browser.waitFor("article.message[data-key='" + replyKey + "'] .status", "Reply published");
        StoredMessage published = conch.store().byType("post", 1).get(0);
        @SuppressWarnings("unchecked") Map<String, Object> content = (Map<String, Object>) published.message().content();
        assertThat(content)
                .containsEntry("text", "which beans?").containsEntry("root", replyKey).containsEntry("fork", root).containsEntry("branch", replyKey);
        assertThat(browser.problems().get("pageErrors")).isEmpty();
    }

    private Message publish(Map<String, Object> content) throws Exception {
        return conch.publish(content).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** Each follows the other, conch dials the peer, and waits until it holds the peer's whole feed. */
    private void replicateWithPeer() throws Exception {
        peer.follow(conch.identity().id().toString());
        publish(Map.of("type", "contact", "contact", peer.id(), "following", true));
        long latest = peer.latest(peer.id());
        conch.connectOnce(MultiserverAddress.parse(peer.address())).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        Await.until("conch holds the peer's feed up to " + latest, Duration.ofMillis(REPLICATION_MS),
                () -> conch.store().state(org.conch.feed.FeedId.parse(peer.id())).map(state -> state.sequence() >= latest).orElse(false));
    }
}
