package org.conch.server.web;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.conch.feed.FeedId;
import org.conch.feed.MessageId;
import org.conch.feed.social.SocialIndex;
import org.conch.feed.social.Tags;
import org.conch.feed.store.StoredMessage;
import org.conch.feed.store.Timelines;
import org.conch.feed.store.Timelines.About;
import org.conch.gossip.replication.FollowGraph;
import org.conch.server.http.ApiRoutes;
import org.conch.server.http.HttpApi;
import org.conch.server.http.Workers;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Likes, tags, search, activity and contacts, read from the {@link SocialIndex}: who liked a message, a tag's posts,
 * search over posts and names, the local identity's activity and its unread count, and a feed's followers and
 * follows. Pages take {@code before} (a previous page's {@code next}) and {@code limit} like the timelines; the
 * messages of feeds the local identity blocks are left out. Every query runs on the worker pool.
 */
public final class SocialRoutes implements ApiRoutes {
    private final MessageJson json;
    private final SocialIndex index;
    private final Timelines store;
    private final FollowGraph graph;
    private final FeedId self;
    private final Workers workers;
    private final SocialSearch search;

    public SocialRoutes(SocialIndex index, Timelines store, FollowGraph graph, FeedId self, Workers workers) {
        this.index = index;
        this.store = store;
        this.graph = graph;
        this.self = self;
        this.workers = workers;
        this.json = new MessageJson(new MarkdownRenderer(), fields(index, store));
        this.search = new SocialSearch(index, store, graph, self);
    }

    /** What each message of the timelines carries from this index: its likes and, for a thread's root, its replies. */
    public static MessageJson.Extras fields(SocialIndex index, Timelines store) {
        return new SocialFields(index, store);
    }

    @Override
    public void mount(Router router) {
        router.get("/api/votes/:message").handler(this::votes);
        router.get("/api/tag/:tag").handler(this::tag);
        router.get("/api/tags").handler(context -> reply(context, () -> Map.of("subscribed", List.copyOf(index.subscriptions()))));
        router.get("/api/search").handler(this::search);
        router.get("/api/activity").handler(this::activity);
        router.get("/api/activity/unread").handler(this::unread);
        router.get("/api/friends/:feed").handler(this::friends);
    }

    private void votes(RoutingContext context) {
        MessageId key = HttpApi.pathRef(context, "message", MessageId::tryParse, "a message id");
        if (key == null) return;
        reply(context, () -> {
            Map<String, Object> votes = SocialFields.votes(index.votes(key));
            List<Object> voters = new ArrayList<>();
            for (SocialIndex.Voter voter : index.voters(key)) {
                if (graph.isBlockedBy(self, voter.feed())) continue;
                Map<String, Object> entry = MessageJson.about(store.about(voter.feed()));
                entry.put("expression", voter.expression());
                voters.add(entry);
            }
            votes.put("voters", voters);
            return votes;
        });
    }

    private void tag(RoutingContext context) {
        String tag = Tags.normalize(context.pathParam("tag")).orElse(null);
        if (tag == null) {
            HttpApi.fail(context, 400, "tag must be letters, digits, _ or -, at most 100, got " + context.pathParam("tag"));
            return;
        }
        Paging paging = Paging.of(context);
        if (paging == null) return;
        reply(context, () -> search.tagged(tag, paging.before(), paging.limit()));
    }

    /** {@code q}: as {@link SocialSearch#search} takes it. */
    private void search(RoutingContext context) {
        String query = context.request().getParam("q", "").strip();
        if (query.isEmpty() || query.length() > 500) {
            HttpApi.fail(context, 400, "q must be 1 to 500 characters");
            return;
        }
        Paging paging = Paging.of(context);
        if (paging == null) return;
        reply(context, () -> search.search(query, paging.before(), paging.limit()));
    }

    private void activity(RoutingContext context) {
        Paging paging = Paging.of(context);
        if (paging == null) return;
        reply(context, () -> {
            SocialIndex.ActivityPage page = index.activity(paging.before(), paging.limit());
            List<StoredMessage> stored = new ArrayList<>();
            List<String> kinds = new ArrayList<>();
            for (SocialIndex.Activity item : page.items()) {
                StoredMessage message = store.get(item.key()).orElse(null);
                if (message == null || graph.isBlockedBy(self, message.message().author())) continue;
                stored.add(message);
                kinds.add(item.kind().name().toLowerCase(Locale.ROOT));
            }
            Map<FeedId, About> abouts = store.abouts(authors(stored));
            List<Object> items = new ArrayList<>();
            for (int i = 0; i < stored.size(); i++) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("kind", kinds.get(i));
                StoredMessage message = stored.get(i);
                item.put("message", json.message(message, abouts.get(message.message().author())));
                items.add(item);
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("items", items);
            result.put("next", page.next() < 0 ? null : Cursors.format(page.next()));
            result.put("total", (double) index.activitySince(0));
            return result;
        });
    }

    /** {@code since}: the {@code total} of the activity the user last saw; answers how many items came after it. */
    private void unread(RoutingContext context) {
        String since = context.request().getParam("since", "0");
        int from;
        try {
            from = Integer.parseInt(since);
        } catch (NumberFormatException e) {
            from = -1;
        }
        if (from < 0) {
            HttpApi.fail(context, 400, "since must be a whole number of at least 0, got " + since);
            return;
        }
        int seen = from;
        reply(context, () -> Map.of("unread", (double) index.activitySince(seen), "total", (double) index.activitySince(0)));
    }

    private void friends(RoutingContext context) {
        FeedId feed = HttpApi.pathRef(context, "feed", FeedId::tryParse, "a feed id");
        if (feed == null) return;
        reply(context, () -> {
            Set<FeedId> followers = index.followers(feed);
            Set<FeedId> following = index.following(feed);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("followers", abouts(followers));
            result.put("following", abouts(following));
            result.put("followsYou", !feed.equals(self) && following.contains(self));
            result.put("blocked", graph.relation(self, feed) == FollowGraph.Relation.BLOCK);
            return result;
        });
    }

    private List<Object> abouts(Collection<FeedId> feeds) {
        List<Object> list = new ArrayList<>();
        for (About about : store.abouts(feeds).values()) list.add(MessageJson.about(about));
        list.sort((a, b) -> label(a).compareToIgnoreCase(label(b)));
        return list;
    }

    @SuppressWarnings("unchecked")
    private static String label(Object about) {
        Map<String, Object> fields = (Map<String, Object>) about;
        return fields.get("name") instanceof String name ? name : (String) fields.get("id");
    }

    private static Set<FeedId> authors(List<StoredMessage> messages) {
        Set<FeedId> authors = new HashSet<>();
        for (StoredMessage message : messages) authors.add(message.message().author());
        return authors;
    }

    /** {@code before} (a post or activity number from a page's {@code next}) and {@code limit} (1 to 200, default 50). */
    private record Paging(int before, int limit) {
        /** The paging of a request (checked as the timelines check theirs); null after a 400 reply when a parameter is wrong. */
        static Paging of(RoutingContext context) {
            TimelineRoutes.PageRequest request = TimelineRoutes.PageRequest.of(context, "before");
            if (request == null) return null;
            long before = request.cursorOr(SocialIndex.FIRST_PAGE);
            if (before > SocialIndex.FIRST_PAGE) {
                HttpApi.fail(context, 400, "before must be a cursor from a page's \"next\", got " + context.request().getParam("before"));
                return null;
            }
            return new Paging((int) before, request.limit());
        }
    }

    private void reply(RoutingContext context, Callable<Object> work) {
        workers.run(work).onSuccess(value -> HttpApi.json(context, 200, value)).onFailure(context::fail);
    }
}
