package org.conch.server.web;

import org.conch.gossip.SerialExecutor;

import io.vertx.ext.web.Router;
import org.conch.feed.FeedId;
import org.conch.feed.json.CanonicalJson;
import org.conch.feed.social.SocialIndex;
import org.conch.feed.store.FeedStore;
import org.conch.feed.store.StoredMessage;
import org.conch.feed.store.Timelines;
import org.conch.gossip.replication.FollowGraph;
import org.conch.server.http.ApiRoutes;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code GET /api/events}: Server-Sent Events of every message stored from now on, as
 * {@code data: {"message": {…as the timelines give it…}, "home": true when it belongs in the home timeline}}
 * (the local identity's, a followed feed's, or a post with a subscribed tag).
 * Each message is rendered once, in store order, on the worker pool, and then written to every open
 * stream on that stream's own event loop. A client that cannot keep up is disconnected (its
 * EventSource reconnects) rather than buffered without bound. While messages arrive faster than they
 * can be rendered (a first sync), they are not rendered one by one: once the backlog is gone, one
 * {@code data: {"overflow": true}} tells the clients to reload instead.
 */
public final class EventsRoutes implements ApiRoutes {
    /** Messages waiting to be rendered beyond which they are skipped and an overflow is announced. */
    static final int MAX_BACKLOG = 256;

    private final EventStreams streams = new EventStreams("conch events");
    private final MessageJson json = new MessageJson(new MarkdownRenderer());
    private final AtomicInteger backlog = new AtomicInteger();
    private final AtomicBoolean overflowed = new AtomicBoolean();
    private final FeedStore store;
    private final Timelines timelines;
    private final FollowGraph graph;
    private final FeedId self;
    private final SocialIndex social;
    private final Executor renderers;

    /**
     * @param store     whose new messages are sent
     * @param timelines the abouts that rendered messages carry
     * @param self      the local identity: messages of feeds it blocks are not sent
     * @param social    the tags the local identity subscribes to
     * @param renderers where messages are rendered, one at a time in store order (not an event loop)
     */
    public EventsRoutes(FeedStore store, Timelines timelines, FollowGraph graph, FeedId self, SocialIndex social, Executor renderers) {
        this.store = store;
        this.timelines = timelines;
        this.graph = graph;
        this.self = self;
        this.social = social;
        this.renderers = renderers;
    }

    @Override
    public void mount(Router router) {
        SerialExecutor renderer = new SerialExecutor(renderers);
        store.subscribe(stored -> {
            if (streams.isEmpty()) return;
            if (backlog.get() >= MAX_BACKLOG) {
                overflowed.set(true);
                return;
            }
            backlog.incrementAndGet();
            try {
                renderer.execute(() -> {
                    try {
                        broadcast(stored);
                    } finally {
                        if (backlog.decrementAndGet() == 0 && overflowed.getAndSet(false)) streams.send("data: {\"overflow\":true}\n\n");
                    }
                });
            } catch (RejectedExecutionException e) {
                backlog.decrementAndGet(); // the server is stopping; its streams close with it
            }
        });
        router.get("/api/events").handler(streams::open);
    }

    private void broadcast(StoredMessage stored) {
        FeedId author = stored.message().author();
        // private messages go only to the local client, opened, on /api/private/events
        if (stored.message().isEncrypted() || graph.isBlockedBy(self, author)) return;
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("message", json.message(stored, timelines.about(author)));
        event.put("home", author.equals(self) || graph.follows(self, author) || social.isInSubscribedTag(stored.message()));
        streams.send("data: " + CanonicalJson.compact(event) + "\n\n");
    }
}
