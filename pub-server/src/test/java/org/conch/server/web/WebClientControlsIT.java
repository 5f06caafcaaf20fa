package org.conch.server.web;

import org.conch.feed.BlobId;
import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.feed.store.StoredMessage;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web client's own controls in a real browser (Debian's Chromium via playwright-core), against a
 * conch with no peers (its event loops under the blocked-loop check): navigation that outruns a slow
 * view, the contact buttons of a profile, setting one's picture, and subscribing to a tag.
 */
class WebClientControlsIT extends BrowserTestBase {
    /**
     * The user opens Peers, then a thread, then Public before either has loaded (their requests held back
     * in the page): Public stays on screen, and the Peers view's refresh timer does not outlive it.
     */
    @Test
    void aSlowViewNeitherPaintsOverANewerOneNorKeepsItsTimer() throws Exception {
        browser.open(page + "#/home");
        browser.waitFor("main[data-route='#/home'] h1", "Home");
        browser.eval("""
                (() => {
                  const fetchNow = window.fetch.bind(window);
                  window.fetch = (url, options) => /\\/api\\/(status|thread)/.test(String(url))
                    ? new Promise((resolve) => setTimeout(resolve, 1500)).then(() => fetchNow(url, options))
                    : fetchNow(url, options);
                  window.liveTimers = new Set();
                  const setIntervalNow = window.setInterval.bind(window);
                  const clearIntervalNow = window.clearInterval.bind(window);
                  window.setInterval = (task, ms) => { const id = setIntervalNow(task, ms); window.liveTimers.add(id); return id; };
                  window.clearInterval = (id) => { window.liveTimers.delete(id); clearIntervalNow(id); };
                  return true;
                })()""");
        int settled = Integer.parseInt((String) browser.eval("document.getElementById('main').dataset.settled"));

        browser.eval("location.hash = '#/peers'; true");
        browser.waitFor("main[data-settled='" + settled + "'] h1", "Peers and sync"); // painted at once, still loading
        browser.eval("location.hash = '#/thread/' + encodeURIComponent('%" + "A".repeat(43) + "=.sha256'); true");
        browser.eval("location.hash = '#/public'; true");
        browser.waitFor("main[data-settled='" + (settled + 3) + "']", null);

        assertThat(browser.eval("document.getElementById('main').dataset.route")).isEqualTo("#/public");
        assertThat(browser.texts("main h1")).containsExactly("Public");
        assertThat(((Number) browser.eval("window.liveTimers.size")).intValue()).as("refresh timers still running").isZero();
        assertThat(browser.problems().get("pageErrors")).isEmpty();
    }

    /** Follow, Unfollow, Block and Unblock on another feed's profile each publish the contact message they name. */
    @Test
    void theContactButtonsOfAProfilePublishWhatTheySay() throws Exception {
        FeedId other = Identity.generate().id();
        browser.open(page + "#/profile/" + URLEncoder.encode(other.toString(), StandardCharsets.UTF_8));

        press("Follow", "Unfollow");
        assertThat(latestContact()).containsEntry("contact", other.toString()).containsEntry("following", true);
        press("Unfollow", "Follow");
        assertThat(latestContact()).containsEntry("following", false);
        press("Block", "Unblock");
        assertThat(latestContact()).containsEntry("blocking", true);
        assertThat(browser.texts("main .actions button")).containsExactly("Unblock");
        press("Unblock", "Follow");
        assertThat(latestContact()).containsEntry("blocking", false);
        assertThat(browser.texts("main .actions button")).containsExactly("Follow", "Block");
        assertThat(browser.problems().get("pageErrors")).isEmpty();
    }

    /**
     * Subscribe on a tag's page puts the tag's posts on Home, though their author is not followed: those stored
     * already, and a new one live while Home is open.
     */
    @Test
    void subscribingToATagPutsItsPostsOnHome() throws Exception {
        Identity stranger = Identity.generate();
        conch.store().publish(stranger, Map.of("type", "post", "text", "sowing beans #gardening"), org.conch.feed.SignCap.NONE);
        conch.store().publish(stranger, Map.of("type", "post", "text", "not tagged"), org.conch.feed.SignCap.NONE);
        browser.open(page + "#/home");
        browser.waitFor("main[data-route='#/home'] .empty", "Nothing here yet");

        browser.open(page + "?tag#/tag/gardening");
        browser.click("main .actions button", "Subscribe");
        browser.waitFor("main .actions button[aria-pressed='true']", "Unsubscribe");
        browser.click("nav a", "Home");
        browser.waitFor("main[data-route='#/home'] article.message", "sowing beans");
        conch.store().publish(stranger, Map.of("type", "post", "text", "weeding, live", "channel", "gardening"), org.conch.feed.SignCap.NONE);
        browser.waitFor("main[data-route='#/home'] article.message", "weeding, live");
        assertThat(browser.texts("main[data-route='#/home'] article.message .markdown"))
                .noneMatch(text -> text.contains("not tagged"));
        assertThat(browser.problems().get("pageErrors")).isEmpty();
    }

    /** Set your picture stores the picked file as a blob and names it in an about message; the profile shows it. */
    @Test
    void setYourPictureStoresTheImageAndShowsItOnTheProfile() throws Exception {
        byte[] picture = WebClientIT.png(java.awt.Color.MAGENTA);
        Path file = work.resolve("me.png");
        Files.write(file, picture);
        String pictureId = BlobId.of(MessageDigest.getInstance("SHA-256").digest(picture)).toString();

        browser.open(page + "#/profile/me");
        browser.waitFor("main[data-route='#/profile/me'] label", "Set your picture");
        browser.setFile("#own-image", file);
        // Once the about message is published the profile is drawn again, with the picture.
        browser.waitFor("main img.avatar[src*='" + URLEncoder.encode(pictureId, StandardCharsets.UTF_8) + "']", null);

        assertThat(conch.blobStore().has(BlobId.parse(pictureId))).isTrue();
        List<StoredMessage> abouts = conch.store().byType("about", 1);
        assertThat(abouts).hasSize(1);
        @SuppressWarnings("unchecked") Map<String, Object> about = (Map<String, Object>) abouts.get(0).message().content();
        assertThat(about)
                .containsEntry("about", conch.identity().id().toString()).containsEntry("image", pictureId);
    }

    /**
     * Clicks the button labelled exactly {@code label}; the profile is drawn again once the message is
     * published, so the button that follows ({@code then}) showing means it is stored.
     */
    private void press(String label, String then) throws Exception {
        browser.click("main button:text-is('" + label + "')", null);
        browser.waitFor("main button:text-is('" + then + "')", null);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> latestContact() {
        List<StoredMessage> contacts = conch.store().byType("contact", 1);
        assertThat(contacts).as("contact messages published").hasSize(1);
        return (Map<String, Object>) contacts.get(0).message().content();
    }
}
