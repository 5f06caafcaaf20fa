package org.conch.server.web;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.conch.feed.FeedId;
import org.conch.feed.MessageId;
import org.conch.feed.social.SocialIndex;
import org.conch.feed.store.StoredMessage;
import org.conch.feed.store.Timelines;
import org.conch.feed.store.Timelines.About;
import org.conch.feed.store.Timelines.Kind;
import org.conch.feed.store.Timelines.Page;
import org.conch.gossip.replication.FollowGraph;
import org.conch.server.http.ApiRoutes;
import org.conch.server.http.HttpApi;
import org.conch.server.http.Workers;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * The read side of the API the web client uses: timelines, profiles, threads, single messages and
 * abouts. Timelines take {@code before} (a cursor from a previous page's {@code next}), {@code limit}
 * (1 to 200, default 50) and {@code kind} ({@code posts}, the default, or {@code all}); a thread takes
 * {@code after} instead of {@code before}. The home timeline holds the posts of the local identity, of the feeds
 * it follows and of the tags it subscribes to; the public timeline and threads leave out feeds the local
 * identity blocks. Every query runs on the worker pool.
 */
public final class TimelineRoutes implements ApiRoutes {
    private final MarkdownRenderer markdown = new MarkdownRenderer();
    private final MessageJson json;
    private final Timelines store;
    private final FollowGraph graph;
    private final FeedId self;
    private final Workers workers;
    private final SocialIndex social;

    /**
     * @param self   the local identity, whose follows make the home timeline and whose blocks are left out
     * @param social the likes and replies each message carries, and the subscribed tags whose posts are on Home
     */
    public TimelineRoutes(Timelines store, FollowGraph graph, FeedId self, Workers workers, SocialIndex social) {
        this.json = new MessageJson(markdown, SocialRoutes.fields(social, store));
        this.store = store;
        this.graph = graph;
        this.self = self;
        this.workers = workers;
        this.social = social;
    }

    @Override
    public void mount(Router router) {
        // The timeline index is built on first use; build it now so that the first page is not the slow one.
        workers.run(() -> store.about(self));
        router.get("/api/timeline/home").handler(context -> timeline(context, true));
        router.get("/api/timeline/public").handler(context -> timeline(context, false));
        router.get("/api/profile/:feed").handler(this::profile);
        router.get("/api/thread/:message").handler(this::thread);
        router.get("/api/message/:message").handler(this::message);
        router.get("/api/about/:feed").handler(this::about);
    }

    /** The local identity and the feeds it follows: whose messages the home timeline shows. */
    private Set<FeedId> homeFeeds() {
        Set<FeedId> feeds = new HashSet<>(graph.followed(self));
        feeds.add(self);
        return feeds;
    }

    private void timeline(RoutingContext context, boolean home) {
        PageRequest request = PageRequest.of(context, "before");
        if (request == null) return;
        reply(context, () -> {
            long before = request.cursorOr(Timelines.NEWEST);
            Page page = home
                    ? homeTimeline(request.kind(), before, request.limit())
                    : withoutBlocked(store.publicTimeline(request.kind(), before, request.limit()));
            page = withoutPrivate(page);
            return json.page(page, store.abouts(MessageJson.authors(page)));
        });
    }

    /**
     * The followed feeds' page merged with the subscribed tags' posts by log position, so that pages cut at a log
     * position neither skip nor repeat. Each source is complete down to its own window's end (the followed page's last
     * message when it has more, the tags' extra post); the merged page stops there, and its cursor is the position
     * of the last message it looked at.
     */
    private Page homeTimeline(Kind kind, long before, int limit) {
        Page followed = store.homeTimeline(homeFeeds(), kind, before, limit);
        List<SocialIndex.Post> tagged = social.subscribedPosts(before, limit);
        if (tagged.isEmpty()) return followed;
        List<StoredMessage> followedMessages = followed.messages();
        long floor = Math.max(followed.hasMore() ? followedMessages.get(followedMessages.size() - 1).logSequence() : 0,
                tagged.size() > limit ? tagged.get(limit).logSequence() : 0);
        TreeMap<Long, Object> newestFirst = new TreeMap<>(Comparator.reverseOrder());
        for (StoredMessage stored : followedMessages) newestFirst.put(stored.logSequence(), stored);
        for (SocialIndex.Post post : tagged) newestFirst.putIfAbsent(post.logSequence(), post.key());
        List<StoredMessage> kept = new ArrayList<>();
        long lastSeen = 0;
        int seen = 0;
        for (Map.Entry<Long, Object> entry : newestFirst.entrySet()) {
            if (kept.size() == limit || entry.getKey() < floor) break;
            seen++;
            lastSeen = entry.getKey();
            if (entry.getValue() instanceof StoredMessage stored) kept.add(stored);
            else store.get((MessageId) entry.getValue()).filter(stored -> !graph.isBlockedBy(self, stored.message().author())).ifPresent(kept::add);
        }
        boolean more = seen < newestFirst.size() || followed.hasMore() || tagged.size() > limit;
        return new Page(kept, more ? lastSeen : 0);
    }

    private void profile(RoutingContext context) {
        FeedId feed = feedParam(context);
        PageRequest request = feed == null ? null : PageRequest.of(context, "before");
        if (request == null) return;
        reply(context, () -> {
            Page page = withoutPrivate(store.profile(feed, request.kind(), request.cursorOr(Timelines.NEWEST), request.limit()));
            About about = store.about(feed);
            Map<String, Object> profile = new LinkedHashMap<>();
            profile.put("about", MessageJson.about(about));
            profile.put("descriptionHtml", about.description() == null ? null : markdown.render(about.description()));
            FollowGraph.Relation relation = graph.relation(self, feed);
            profile.put("relation", relation.name().toLowerCase(Locale.ROOT));
            profile.put("self", feed.equals(self));
            profile.putAll(json.page(page, Map.of(feed, about)));
            return profile;
        });
    }

    private void thread(RoutingContext context) {
        MessageId root = messageParam(context);
        PageRequest request = root == null ? null : PageRequest.of(context, "after");
        if (request == null) return;
        reply(context, () -> {
            Page replies = withoutBlocked(store.replies(root, request.cursorOr(0), request.limit()));
            Set<FeedId> authors = MessageJson.authors(replies);
            // The root is part of the first page only.
            StoredMessage rootMessage = request.cursor().isPresent() ? null : store.get(root).orElse(null);
            if (rootMessage != null) authors.add(rootMessage.message().author());
            Map<FeedId, About> abouts = store.abouts(authors);
            Map<String, Object> thread = new LinkedHashMap<>();
            thread.put("root", rootMessage == null ? null : json.message(rootMessage, abouts.get(rootMessage.message().author())));
            thread.putAll(json.page(replies, abouts));
            return thread;
        });
    }

    private void message(RoutingContext context) {
        MessageId key = messageParam(context);
        if (key == null) return;
        workers.run(() -> store.get(key).map(stored -> json.message(stored, store.about(stored.message().author()))).orElse(null))
                .onSuccess(message -> {
                    if (message == null) HttpApi.fail(context, 404, "no message " + key + " is stored here");
                    else HttpApi.json(context, 200, message);
                })
                .onFailure(context::fail);
    }

    private void about(RoutingContext context) {
        FeedId feed = feedParam(context);
        if (feed == null) return;
        reply(context, () -> MessageJson.about(store.about(feed)));
    }

    /** The messages of feeds the local identity blocks are left out (the page may come out shorter; its cursor holds). */
    private Page withoutBlocked(Page page) {
        List<StoredMessage> kept = page.messages().stream()
                .filter(stored -> !graph.isBlockedBy(self, stored.message().author()))
                .toList();
        return kept.size() == page.messages().size() ? page : new Page(kept, page.next());
    }

    /** Private (boxed) messages are left out: the Private page shows those the local identity reads (the cursor holds). */
    private static Page withoutPrivate(Page page) {
        List<StoredMessage> kept = page.messages().stream().filter(stored -> !stored.message().isEncrypted()).toList();
        return kept.size() == page.messages().size() ? page : new Page(kept, page.next());
    }

    private void reply(RoutingContext context, Callable<Object> work) {
        workers.run(work).onSuccess(value -> HttpApi.json(context, 200, value)).onFailure(context::fail);
    }

    private static FeedId feedParam(RoutingContext context) {
        return HttpApi.pathRef(context, "feed", FeedId::tryParse, "a feed id");
    }

    private static MessageId messageParam(RoutingContext context) {
        return HttpApi.pathRef(context, "message", MessageId::tryParse, "a message id");
    }

    /** The paging parameters of a request, checked; null after a 400 reply when one is wrong. */
    record PageRequest(OptionalLong cursor, int limit, Kind kind) {
        long cursorOr(long first) {
            return cursor.orElse(first);
        }

        static PageRequest of(RoutingContext context, String cursorName) {
            String cursorText = context.request().getParam(cursorName);
            OptionalLong cursor = cursorText == null ? OptionalLong.empty() : Cursors.parse(cursorText);
            if (cursorText != null && cursor.isEmpty()) {
                HttpApi.fail(context, 400, cursorName + " must be a cursor from a page's \"next\", got " + cursorText);
                return null;
            }
            String limitText = context.request().getParam("limit");
            int limit = Timelines.DEFAULT_LIMIT;
            if (limitText != null) {
                try {
                    limit = Integer.parseInt(limitText);
                } catch (NumberFormatException e) {
                    limit = -1;
                }
                if (limit < 1 || limit > Timelines.MAX_LIMIT) {
                    HttpApi.fail(context, 400, "limit must be 1 to " + Timelines.MAX_LIMIT + ", got " + limitText);
                    return null;
                }
            }
            String kindText = context.request().getParam("kind");
            Kind kind;
            if (kindText == null || kindText.equals("posts")) kind = Kind.POSTS;
            else if (kindText.equals("all")) kind = Kind.ALL;
            else {
                HttpApi.fail(context, 400, "kind must be posts or all, got " + kindText);
                return null;
            }
            return new PageRequest(cursor, limit, kind);
        }
    }
}
