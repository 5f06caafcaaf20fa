package org.conch.server.web;

import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.feed.SignCap;
import org.conch.feed.store.StoredMessage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The social controls by keyboard alone (Tab to reach a control, Enter or Space to use it) on a phone-sized page
 * (390x844): like, reply, open a content warning and search; and no page of the client is wider than the phone's
 * screen, whatever the posts hold.
 */
class WebClientKeyboardIT extends BrowserTestBase {
    private static final Identity BOB = Identity.generate();

    @Test
    void aKeyboardUserLikesRepliesOpensAContentWarningAndSearches() throws Exception {
        String post = fromBob(Map.of("type", "post", "text", "first beans of the year #gardening"));
        fromBob(Map.of("type", "post", "text", "the ending of the film", "contentWarning", "spoilers"));
        String article = "article.message[data-key='" + post + "']";
        browser.open(page + "#/public");
        browser.waitFor(article, "first beans");

        browser.tabTo(article + " button.like");
        browser.key("Enter");
        browser.waitFor(article + " button.like[aria-pressed='true']", "Unlike");
        assertThat(focusIsOn(article + " button.like")).as("the focus stays on Like while it publishes").isTrue();
        assertThat(conch.store().byType("vote", 1)).extracting(stored -> stored.message().author()).containsExactly(conch.identity().id());

        browser.tabTo("details.content-warning summary");
        browser.key("Space");
        browser.waitFor("details.content-warning .markdown", "the ending of the film");
        assertThat(browser.eval("document.querySelector('details.content-warning').open")).isEqualTo(true);

        browser.tabTo(article + " button.reply");
        browser.key("Enter");
        browser.waitFor(article + " form.compose textarea", null);
        browser.tabTo(article + " form.compose textarea"); // the form puts the focus there: no Tab needed
        browser.type("by keyboard only");
        browser.tabTo(article + " form.compose button[type=submit]");
        browser.key("Enter");
        browser.waitFor(article + " .status", "Reply published");
        assertThat(focusIsOn(article + " button.reply")).as("the form is gone: the focus is back on Reply").isTrue();
        StoredMessage reply = conch.store().byType("post", 1).get(0);
        assertThat(reply.message().content()).isEqualTo(Map.of("type", "post", "text", "by keyboard only", "root", post, "branch", post));

        browser.tabTo("nav a[href='#/search']");
        browser.key("Enter");
        browser.waitFor("main[data-route='#/search'] label", "Search posts");
        assertThat(focusIsOn("#search-query")).as("the search page puts the focus in its field").isTrue();
        browser.type("beans");
        browser.key("Enter");
        browser.waitFor("main[data-route='#/search/beans'] article.message", "first beans");
        assertThat(browser.problems().get("pageErrors")).isEmpty();
    }

    @Test
    void publishingKeepsTheFocusOnTheButtonThatPublished() throws Exception {
        browser.open(page + "#/home");
        String form = "main[data-route='#/home'] form.compose";
        browser.waitFor(form + " textarea", null);
        browser.tabTo(form + " textarea");
        browser.type("posted by keyboard");
        browser.tabTo(form + " button[type=submit]");
        browser.key("Enter");
        browser.waitFor(form + " .status", "Published.");
        assertThat(focusIsOn(form + " button[type=submit]")).as("busy while it publishes, not disabled: the focus stays").isTrue();
        assertThat(conch.store().byType("post", 1)).extracting(stored -> stored.message().content())
                .containsExactly(Map.of("type", "post", "text", "posted by keyboard"));
        assertThat(browser.problems().get("pageErrors")).isEmpty();
    }

    @Test
    void noPageIsWiderThanAPhoneScreen() throws Exception {
        String longWord = "https://example.org/" + "a-very-long-path-without-spaces".repeat(6);
        String post = fromBob(Map.of("type", "post", "text", "sowing #gardening " + longWord + " " + BOB.id()));
        fromBob(Map.of("type", "post", "text", "a reply " + longWord, "root", post, "branch", post));
        fromBob(Map.of("type", "post", "text", "the ending", "contentWarning", "spoilers " + longWord));
        fromBob(Map.of("type", "about", "about", BOB.id().toString(), "name", "Bob " + "with-a-long-name".repeat(4)));
        String bob = ApiClient.encode(BOB.id().toString());
        List<String> routes = List.of("#/home", "#/public", "#/private", "#/activity", "#/search", "#/search/sowing",
                "#/tag/gardening", "#/profile/me", "#/profile/" + bob, "#/thread/" + ApiClient.encode(post), "#/peers", "#/invite");
        for (String route : routes) {
            browser.open(page + "?" + route.hashCode() + route); // a new document each time, as a person opening a link
            browser.waitFor("main[data-route='" + route + "'] h1", null);
            Object widths = browser.eval("[document.documentElement.scrollWidth, document.documentElement.clientWidth]");
            assertThat(widths).as("page width and screen width of %s", route).satisfies(pair -> {
                List<?> both = (List<?>) pair;
                assertThat(((Number) both.get(0)).intValue()).isLessThanOrEqualTo(((Number) both.get(1)).intValue());
            });
        }
        assertThat(browser.problems().get("pageErrors")).isEmpty();
    }

    private boolean focusIsOn(String selector) throws Exception {
        return Boolean.TRUE.equals(browser.eval("document.activeElement.matches(" + org.conch.feed.json.CanonicalJson.compact(selector) + ")"));
    }

    /** Stores a message of another feed, as replication would; answers its key. */
    private String fromBob(Map<String, Object> content) {
        Message message = conch.store().publish(BOB, content, SignCap.NONE);
        return message.key().toString();
    }
}
