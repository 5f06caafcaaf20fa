package org.conch.server.web;

import org.conch.feed.FeedState;
import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.feed.MessageSigner;
import org.conch.feed.SignCap;
import org.conch.server.BlockedEventLoops;
import org.conch.server.ConchServer;
import org.conch.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The social API over real HTTP against a running ConchServer: likes on timeline messages and who gave them,
 * reply counts, a tag's posts and subscriptions, search, the activity of the local identity with its unread
 * count, and followers and follows.
 */
class SocialApiIT {
    @RegisterExtension
    final BlockedEventLoops loops = new BlockedEventLoops();

    private static final Identity BOB = Identity.generate();
    private static final Identity CAROL = Identity.generate();

    @TempDir
    Path data;

    private ConchServer server;
    private ApiClient api;
    private String alice;
    private final Map<Identity, FeedState> heads = new LinkedHashMap<>();

    @BeforeEach
    void start() throws Exception {
        server = loops.startOnLoopback(data);
        alice = server.identity().id().toString();
        api = new ApiClient(server, data);
        store(BOB, Map.of("type", "about", "about", BOB.id().toString(), "name", "Bob"));
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    @Test
    void aPostCarriesItsLikesAndTheirExpressionsAndALaterVoteReplacesAnEarlierOne() throws Exception {
        String post = api.publish(Map.of("type", "post", "text", "first tomatoes"));
        store(BOB, vote(post, 1, "❤️"));
        store(CAROL, vote(post, 1, "Like"));
        api.publish(vote(post, 1, "Like"));

        Map<String, Object> votes = await("three likes", () -> votesOf(post), v -> count(v) == 3);
        assertThat(votes).containsEntry("mine", true);
        assertThat(votes.get("expressions")).isEqualTo(Map.of("❤️", 1.0, "Like", 2.0));
        assertThat(names(api.get("/api/votes/" + ApiClient.encode(post)).get("voters"))).containsExactly("Bob", CAROL.id().toString(), alice);

        api.publish(vote(post, 0, "Unlike"));
        votes = await("alice's like taken back", () -> votesOf(post), v -> count(v) == 2);
        assertThat(votes).containsEntry("mine", false);
    }

    @Test
    void aThreadsRootSaysHowManyRepliesItHasAndTheNewest() throws Exception {
        String root = api.publish(Map.of("type", "post", "text", "what to plant?"));
        store(CAROL, Map.of("type", "post", "text", "beans", "root", root, "branch", root));
        store(BOB, Map.of("type", "post", "text", "peas", "root", root, "branch", root));

        Map<String, Object> replies = await("two replies", () -> message(api.get("/api/timeline/public"), root).get("replies"),
                r -> count(r) == 2);
        @SuppressWarnings("unchecked") Map<String, Object> latest = (Map<String, Object>) ((Map<String, Object>) replies).get("latest");
        assertThat(latest).containsEntry("author", BOB.id().toString()).containsEntry("name", "Bob");
    }

    @Test
    void activityHoldsRepliesMentionsLikesAndFollowersWithAnUnreadCount() throws Exception {
        String root = api.publish(Map.of("type", "post", "text", "my thread"));
        store(BOB, Map.of("type", "post", "text", "a reply", "root", root, "branch", root));
        store(CAROL, Map.of("type", "post", "text", "hello [@alice](" + alice + ")",
                "mentions", List.of(Map.of("link", alice, "name", "alice"))));
        store(CAROL, vote(root, 1, "👍"));
        store(BOB, Map.of("type", "contact", "contact", alice, "following", true));

        Map<String, Object> activity = await("four activity items", () -> api.get("/api/activity"), a -> items(a).size() == 4);
        assertThat(items(activity)).extracting(item -> item.get("kind")).containsExactly("follow", "vote", "mention", "reply");
        assertThat(activity).containsEntry("total", 4.0).containsEntry("next", null);
        assertThat(api.get("/api/activity/unread?since=1")).containsEntry("unread", 3.0);
        Map<String, Object> page = api.get("/api/activity?limit=3");
        assertThat(items(api.get("/api/activity?limit=3&before=" + page.get("next")))).extracting(item -> item.get("kind")).containsExactly("reply");
        assertThat(api.status("/api/activity/unread?since=-1")).isEqualTo(400);
    }

    @Test
    void aTagsPostsAreFoundByTheTagAndBySearchAndTheTagCanBeSubscribedTo() throws Exception {
        String tagged = store(BOB, Map.of("type", "post", "text", "Sowing #Gardening seeds"));
        String channel = store(CAROL, Map.of("type", "post", "text", "compost heap", "channel", "gardening"));
        store(CAROL, Map.of("type", "post", "text", "nothing to see"));

        Map<String, Object> tag = await("two posts tagged", () -> api.get("/api/tag/gardening"), t -> messages(t).size() == 2);
        assertThat(keys(tag)).containsExactly(channel, tagged);
        assertThat(tag).containsEntry("subscribed", false);
        assertThat(keys(api.get("/api/search?q=" + ApiClient.encode("SEEDS sowing")))).containsExactly(tagged);
        assertThat(keys(api.get("/api/search?q=" + ApiClient.encode("#gardening")))).containsExactly(channel, tagged);
        assertThat(names(api.get("/api/search?q=bo").get("feeds"))).containsExactly("Bob");
        assertThat(names(api.get("/api/search?q=" + ApiClient.encode(BOB.id().toString())).get("feeds"))).containsExactly("Bob");
        Map<String, Object> paged = api.get("/api/search?q=gardening&limit=1");
        assertThat(keys(api.get("/api/search?q=gardening&limit=1&before=" + paged.get("next")))).containsExactly(tagged);

        api.publish(Map.of("type", "channel", "channel", "gardening", "subscribed", true));
        await("the tag subscribed", () -> api.get("/api/tag/gardening"), t -> Boolean.TRUE.equals(t.get("subscribed")));
        assertThat(api.get("/api/tags")).containsEntry("subscribed", List.of("gardening"));
        assertThat(api.status("/api/tag/" + ApiClient.encode("no spaces"))).isEqualTo(400);
        assertThat(api.status("/api/search?q=")).isEqualTo(400);
    }

    @Test
    void homeHoldsTheSubscribedTagsPostsMergedWithMineAndPagesWithoutSkipsOrRepeats() throws Exception {
        String first = api.publish(Map.of("type", "post", "text", "my first"));
        String sowing = store(BOB, Map.of("type", "post", "text", "Sowing #gardening seeds"));
        store(CAROL, Map.of("type", "post", "text", "not tagged, not followed"));
        String beans = store(CAROL, Map.of("type", "post", "text", "beans", "channel", "Gardening"));
        String second = api.publish(Map.of("type", "post", "text", "my second"));
        String weeds = store(BOB, Map.of("type", "post", "text", "weeds #gardening #cats"));
        String third = api.publish(Map.of("type", "post", "text", "my third"));
        await("my three posts on home", () -> api.get("/api/timeline/home"), home -> messages(home).size() == 3);

        api.publish(Map.of("type", "channel", "channel", "gardening", "subscribed", true));
        List<Object> expected = List.of(third, weeds, second, beans, sowing, first);
        Map<String, Object> home = await("the tag's posts on home", () -> api.get("/api/timeline/home"), h -> messages(h).size() == 6);
        assertThat(keys(home)).isEqualTo(expected);
        assertThat(home).containsEntry("next", null);
        for (int limit : new int[]{1, 2, 4}) {
            List<Object> paged = new java.util.ArrayList<>();
            String path = "/api/timeline/home?limit=" + limit;
            Map<String, Object> page = api.get(path);
            paged.addAll(keys(page));
            while (page.get("next") != null) {
                page = api.get(path + "&before=" + page.get("next"));
                paged.addAll(keys(page));
            }
            assertThat(paged).as("pages of %d", limit).isEqualTo(expected);
        }

        api.publish(Map.of("type", "contact", "contact", CAROL.id().toString(), "blocking", true));
        home = await("a blocked feed's tagged post left out", () -> api.get("/api/timeline/home"), h -> messages(h).size() == 5);
        assertThat(keys(home)).isEqualTo(List.of(third, weeds, second, sowing, first));

        api.publish(Map.of("type", "channel", "channel", "gardening", "subscribed", false));
        await("the tag's posts gone from home", () -> api.get("/api/timeline/home"), h -> messages(h).size() == 3);
    }

    @Test
    void friendsListFollowersAndFollowsAndSayWhoFollowsYou() throws Exception {
        store(BOB, Map.of("type", "contact", "contact", alice, "following", true));
        api.publish(Map.of("type", "contact", "contact", CAROL.id().toString(), "blocking", true));
        Map<String, Object> bob = await("bob follows alice", () -> api.get("/api/friends/" + ApiClient.encode(BOB.id().toString())),
                f -> Boolean.TRUE.equals(f.get("followsYou")));
        assertThat(bob).containsEntry("blocked", false);
        assertThat(names(api.get("/api/friends/" + ApiClient.encode(alice)).get("followers"))).containsExactly("Bob");
        assertThat(api.get("/api/friends/" + ApiClient.encode(CAROL.id().toString()))).containsEntry("blocked", true).containsEntry("followsYou", false);
    }

    // ------------------------------------------------------------------ helpers

    /** Reads until the index (updated on its own thread) shows what {@code done} expects. */
    private static Map<String, Object> await(String what, Await.Probe<Object> read, java.util.function.Predicate<Map<String, Object>> done) {
        return cast(Await.until(what, java.time.Duration.ofSeconds(30), read, value -> value instanceof Map<?, ?> map && done.test(cast(map))));
    }

    private Map<String, Object> votesOf(String key) throws Exception {
        return message(api.get("/api/timeline/public?kind=all"), key).get("votes") instanceof Map<?, ?> votes ? cast(votes) : Map.of();
    }

    private static Map<String, Object> message(Map<String, Object> page, String key) {
        return messages(page).stream().filter(m -> key.equals(m.get("key"))).findFirst().orElse(Map.of());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object value) {
        return (Map<String, Object>) value;
    }

    private static double count(Object counted) {
        return counted instanceof Map<?, ?> map && map.get("count") instanceof Double count ? count : -1;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> messages(Map<String, Object> page) {
        return (List<Map<String, Object>>) page.get("messages");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> items(Map<String, Object> activity) {
        return (List<Map<String, Object>>) activity.get("items");
    }

    private static List<Object> keys(Map<String, Object> page) {
        return messages(page).stream().map(m -> m.get("key")).toList();
    }

    /** The name of each about in a list, or its id when it has none. */
    @SuppressWarnings("unchecked")
    private static List<Object> names(Object abouts) {
        return ((List<Map<String, Object>>) abouts).stream().map(a -> a.get("name") != null ? a.get("name") : a.get("id")).toList();
    }

    private static Map<String, Object> vote(String link, int value, String expression) {
        return Map.of("type", "vote", "vote", Map.of("link", link, "value", value, "expression", expression));
    }

    /** Stores a message of another feed, as replication would; answers its key. */
    private String store(Identity author, Map<String, Object> content) {
        Message message = MessageSigner.sign(author, heads.get(author), content, System.currentTimeMillis(), SignCap.NONE);
        heads.put(author, FeedState.of(message));
        server.store().append(List.of(message));
        return message.key().toString();
    }

}
