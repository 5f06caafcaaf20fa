package org.conch.server.web;

import org.conch.gossip.SerialExecutor;

import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.conch.feed.FeedId;
import org.conch.feed.json.CanonicalJson;
import org.conch.feed.store.FeedStore;
import org.conch.feed.store.StoredMessage;
import org.conch.feed.store.Timelines;
import org.conch.gossip.replication.FollowGraph;
import org.conch.server.http.ApiRoutes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code GET /api/events}: Server-Sent Events of every message stored from now on, as
 * {@code data: {"message": {…as the timelines give it…}, "home": true when it belongs in the home timeline}}.
 * Each message is rendered once, in store order, on the worker pool, and then written to every open
 * stream on that stream's own event loop. A client that cannot keep up is disconnected (its
 * EventSource reconnects) rather than buffered without bound. While messages arrive faster than they
 * can be rendered (a first sync), they are not rendered one by one: once the backlog is gone, one
 * {@code data: {"overflow": true}} tells the clients to reload instead.
 */
public final class EventsRoutes implements ApiRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(EventsRoutes.class);
    /** A comment line this often keeps proxies and browsers from closing an idle stream. */
    static final long KEEP_ALIVE_MS = 25_000;
    /** Messages waiting to be rendered beyond which they are skipped and an overflow is announced. */
    static final int MAX_BACKLOG = 256;

    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private final MessageJson json = new MessageJson(new MarkdownRenderer());
    private final AtomicInteger backlog = new AtomicInteger();
    private final AtomicBoolean overflowed = new AtomicBoolean();
    private final FeedStore store;
    private final Timelines timelines;
    private final FollowGraph graph;
    private final FeedId self;
    private final Executor renderers;

    /**
     * @param store     whose new messages are sent
     * @param timelines the abouts that rendered messages carry
     * @param self      the local identity: messages of feeds it blocks are not sent
     * @param renderers where messages are rendered, one at a time in store order (not an event loop)
     */
    public EventsRoutes(FeedStore store, Timelines timelines, FollowGraph graph, FeedId self, Executor renderers) {
        this.store = store;
        this.timelines = timelines;
        this.graph = graph;
        this.self = self;
        this.renderers = renderers;
    }

    private record Stream(HttpServerResponse response, Context context) {
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
                        if (backlog.decrementAndGet() == 0 && overflowed.getAndSet(false)) send("data: {\"overflow\":true}\n\n");
                    }
                });
            } catch (RejectedExecutionException e) {
                backlog.decrementAndGet(); // the server is stopping; its streams close with it
            }
        });
        router.get("/api/events").handler(this::open);
    }

    private void open(RoutingContext context) {
        HttpServerResponse response = context.response();
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .putHeader("X-Accel-Buffering", "no");
        // The first comment sends the headers, so that the browser's EventSource reports "open" at once.
        response.write(": conch events\n\n");
        Stream stream = new Stream(response, context.vertx().getOrCreateContext());
        streams.add(stream);
        long timer = context.vertx().setPeriodic(KEEP_ALIVE_MS, id -> {
            if (!response.ended()) response.write(": keep-alive\n\n");
        });
        response.closeHandler(closed -> {
            streams.remove(stream);
            context.vertx().cancelTimer(timer);
        });
    }

    private void broadcast(StoredMessage stored) {
        FeedId author = stored.message().author();
        if (graph.isBlockedBy(self, author)) return;
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("message", json.message(stored, timelines.about(author)));
        event.put("home", author.equals(self) || graph.follows(self, author));
        send("data: " + CanonicalJson.compact(event) + "\n\n");
    }

    private void send(String frame) {
        for (Stream stream : streams) {
            stream.context().runOnContext(v -> write(stream, frame));
        }
    }

    private void write(Stream stream, String frame) {
        HttpServerResponse response = stream.response();
        if (response.ended() || response.closed()) {
            streams.remove(stream);
            return;
        }
        if (response.writeQueueFull()) {
            LOG.info("an event stream fell behind; closing it so that the client reconnects and reloads");
            streams.remove(stream);
            response.reset();
            return;
        }
        response.write(frame);
    }
}
