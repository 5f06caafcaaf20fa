package org.conch.server.http;

import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.conch.feed.FeedId;
import org.conch.feed.FeedState;
import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.feed.SignCap;
import org.conch.feed.io.FeedExporter;
import org.conch.feed.privatebox.PrivateBoxException;
import org.conch.feed.ref.MultiserverAddress;
import org.conch.gossip.room.TunnelAddress;
import org.conch.feed.store.H2FeedStore;
import org.conch.feed.store.StoredMessage;
import org.conch.gossip.replication.ReplicationService;
import org.conch.server.api.ApiContract;
import org.conch.server.api.ContentRules;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The routes every conch serves and the CLI uses while a server runs: health, identity, publishing,
 * contacts, connecting to a peer, status, and a feed's messages.
 */
public final class CoreRoutes implements ApiRoutes {
    private static final int MAX_FEED_PAGE = ApiContract.MAX_FEED_PAGE;
    private static final int MAX_PUBLISH_BATCH = ApiContract.MAX_PUBLISH_BATCH;

    private final Identity identity;
    private final H2FeedStore store;
    private final ReplicationService replication;
    private final Peers peers;
    private final Supplier<Future<Map<String, Object>>> status;
    private final Supplier<String> metrics;
    private final Workers workers;
    private final UnaryOperator<Object> sealer;

    /**
     * @param status  the running server's status as {@code GET /api/status} gives it
     * @param metrics the Prometheus text of {@code GET /metrics}
     * @param sealer  what is signed for a content to publish: private content boxed (on a worker; may throw
     *                {@link PrivateBoxException}), other content as it is
     */
    public CoreRoutes(Identity identity, H2FeedStore store, ReplicationService replication, Peers peers,
                      Supplier<Future<Map<String, Object>>> status, Supplier<String> metrics, Workers workers,
                      UnaryOperator<Object> sealer) {
        this.sealer = sealer;
        this.identity = identity;
        this.store = store;
        this.replication = replication;
        this.peers = peers;
        this.status = status;
        this.metrics = metrics;
        this.workers = workers;
    }

    @Override
    public void mount(Router router) {
        router.get("/health").handler(this::health);
        // on a worker: the JVM meters read /proc when scraped
        router.get("/metrics").handler(context -> workers.run(metrics::get).onSuccess(text -> context.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(text)).onFailure(context::fail));
        router.get("/api/whoami").handler(context -> HttpApi.json(context, 200, Map.of("id", identity.id().toString())));
        router.post("/api/publish").handler(this::publish);
        router.post("/api/contacts").handler(this::contact);
        router.post("/api/connect").handler(this::connect);
        router.get("/api/status").handler(context -> status.get()
                .onSuccess(reply -> HttpApi.json(context, 200, reply)).onFailure(context::fail));
        router.get("/api/feeds/:feed").handler(this::feed);
        router.post("/api/export").handler(this::export);
    }

    /**
     * {@code {"file":"/abs/path"[,"feed":"@…"]}}: the server writes the export itself (it holds the store), as
     * a snapshot of the log at the time of the request, atomically.
     */
    private void export(RoutingContext context) {
        Map<String, Object> body = HttpApi.jsonObjectBody(context);
        if (body == null) return;
        if (!(body.get("file") instanceof String file) || !Path.of(file).isAbsolute()) {
            HttpApi.fail(context, 400, "file must be an absolute path");
            return;
        }
        FeedId feed = null;
        if (body.get("feed") != null) {
            feed = body.get("feed") instanceof String text ? FeedId.tryParse(text).orElse(null) : null;
            if (feed == null) {
                HttpApi.fail(context, 400, "feed must be a feed id");
                return;
            }
        }
        FeedId onlyFeed = feed;
        long upTo = store.messageCount();
        workers.run(() -> {
            FeedExporter exporter = new FeedExporter(store);
            if (onlyFeed != null && store.state(onlyFeed).isEmpty()) return null;
            return onlyFeed == null ? exporter.exportAll(Path.of(file), upTo) : exporter.exportFeed(onlyFeed, Path.of(file));
        }).onSuccess(summary -> {
            if (summary == null) {
                HttpApi.fail(context, 404, "no messages of " + onlyFeed + " in this store: nothing exported");
                return;
            }
            Map<String, Object> reply = new LinkedHashMap<>();
            reply.put("file", summary.file().toString());
            reply.put("messages", (double) summary.messages());
            reply.put("feeds", (double) summary.feeds());
            HttpApi.json(context, 200, reply);
        }).onFailure(e -> HttpApi.fail(context, 500, e.getMessage()));
    }

    /** Answered from memory only, so that a busy store never delays a health check. */
    private void health(RoutingContext context) {
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("status", "ok");
        health.put("id", identity.id().toString());
        health.put("messages", (double) store.messageCount());
        health.put("peers", (double) peers.connectionCount());
        health.put("replicating", (double) replication.replicationSet().size());
        String feed = context.request().getParam("feed");
        if (feed != null) {
            FeedId id = FeedId.tryParse(feed).orElse(null);
            if (id == null) {
                HttpApi.fail(context, 400, "feed is not a feed id: " + feed);
                return;
            }
            health.put("sequence", (double) store.state(id).map(FeedState::sequence).orElse(0L));
        }
        HttpApi.json(context, 200, health);
    }

    /** {@code {"content":{…}}} publishes one message; {@code {"contents":[…]}} several in order, atomically. */
    private void publish(RoutingContext context) {
        Map<String, Object> body = HttpApi.jsonObjectBody(context);
        if (body == null) return;
        List<Object> contents = new ArrayList<>();
        if (body.get("contents") instanceof List<?> list) {
            contents.addAll(list);
        } else if (body.containsKey("content")) {
            contents.add(body.get("content"));
        } else {
            HttpApi.fail(context, 400, "give \"content\" (an object) or \"contents\" (a list of objects)");
            return;
        }
        if (contents.isEmpty() || contents.size() > MAX_PUBLISH_BATCH) {
            HttpApi.fail(context, 400, "publish 1 to " + MAX_PUBLISH_BATCH + " contents at a time, got " + contents.size());
            return;
        }
        for (int i = 0; i < contents.size(); i++) {
            String problem = ContentRules.problem(contents.get(i));
            if (problem != null) {
                HttpApi.fail(context, 400, (contents.size() > 1 ? "contents[" + i + "]: " : "") + problem);
                return;
            }
        }
        workers.run(() -> store.publish(identity, contents.stream().map(sealer).toList(), SignCap.NONE))
                .onSuccess(messages -> {
                    List<Object> published = new ArrayList<>();
                    for (Message message : messages) published.add(keyValue(message));
                    HttpApi.json(context, 200, body.containsKey("contents") ? published : published.get(0));
                })
                .onFailure(e -> {
                    if (e instanceof PrivateBoxException notPrivate) HttpApi.fail(context, 400, notPrivate.getMessage());
                    else context.fail(e);
                });
    }

    /** {@code {"contact":"@…","following":true|false}} or {@code "blocking":true|false}: one contact message. */
    private void contact(RoutingContext context) {
        Map<String, Object> body = HttpApi.jsonObjectBody(context);
        if (body == null) return;
        String problem = ContentRules.contactProblem(body, identity.id());
        if (problem != null) {
            HttpApi.fail(context, 400, problem);
            return;
        }
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("type", "contact");
        content.put("contact", body.get("contact"));
        if (body.containsKey("following")) content.put("following", body.get("following"));
        if (body.containsKey("blocking")) content.put("blocking", body.get("blocking"));
        workers.run(() -> store.publish(identity, content, SignCap.NONE)).onSuccess(message -> HttpApi.json(context, 200, keyValue(message))).onFailure(context::fail);
    }

    /**
     * {@code {"address":"net:HOST:PORT~shs:KEY","keep":true}}: dials now; with keep, redials whenever it drops. A
     * {@code tunnel:@ROOM:@TARGET~shs:KEY} is reached through that room, which must be connected already.
     */
    private void connect(RoutingContext context) {
        Map<String, Object> body = HttpApi.jsonObjectBody(context);
        if (body == null) return;
        if (String.valueOf(body.get("address")).startsWith("tunnel:")) {
            connectThroughRoom(context, String.valueOf(body.get("address")));
            return;
        }
        MultiserverAddress address;
        try {
            address = MultiserverAddress.parse(String.valueOf(body.get("address")));
        } catch (RuntimeException e) {
            HttpApi.fail(context, 400, "address must be net:HOST:PORT~shs:KEY: " + e.getMessage());
            return;
        }
        peers.dial(address, Boolean.TRUE.equals(body.get("keep"))).onSuccess(connection -> {
            Map<String, Object> reply = new LinkedHashMap<>();
            reply.put("connected", address.toString());
            reply.put("id", address.key().toString());
            HttpApi.json(context, 200, reply);
        }).onFailure(e -> HttpApi.fail(context, 502, "could not connect to " + address + ": " + e.getMessage()));
    }

    private void connectThroughRoom(RoutingContext context, String text) {
        TunnelAddress address;
        try {
            address = TunnelAddress.parse(text);
        } catch (RuntimeException e) {
            HttpApi.fail(context, 400, e.getMessage());
            return;
        }
        peers.dialTunnel(address).onSuccess(connection -> {
            Map<String, Object> reply = new LinkedHashMap<>();
            reply.put("connected", address.toString());
            reply.put("id", address.target().toString());
            HttpApi.json(context, 200, reply);
        }).onFailure(e -> HttpApi.fail(context, 502, "could not connect to " + address + ": " + e.getMessage()));
    }

    /** A page of a feed as JSON lines ({@code {key,value,timestamp}}), from {@code seq} for at most {@code limit}. */
    private void feed(RoutingContext context) {
        FeedId feed = HttpApi.pathRef(context, "feed", FeedId::tryParse, "a feed id");
        if (feed == null) return;
        long from;
        int limit;
        try {
            from = Long.parseLong(context.request().params().get("seq") == null ? "1" : context.request().getParam("seq"));
            limit = Integer.parseInt(context.request().params().get("limit") == null ? String.valueOf(MAX_FEED_PAGE)
                    : context.request().getParam("limit"));
        } catch (NumberFormatException e) {
            HttpApi.fail(context, 400, "seq and limit must be whole numbers");
            return;
        }
        if (from < 1 || limit < 1 || limit > MAX_FEED_PAGE) {
            HttpApi.fail(context, 400, "seq must be at least 1 and limit 1 to " + MAX_FEED_PAGE);
            return;
        }
        workers.run(() -> {
            StringBuilder lines = new StringBuilder();
            store.forEachInFeed(feed, from, limit, (StoredMessage stored) -> lines.append(stored.toKvtJson()).append('\n'));
            return lines.toString();
        }).onSuccess(lines -> context.response().putHeader("Content-Type", "application/x-ndjson; charset=utf-8").end(lines))
                .onFailure(context::fail);
    }

    /** {@code {key, value}} of a message, as {@code publish --json} prints it. */
    public static Map<String, Object> keyValue(Message message) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("key", message.key().toString());
        json.put("value", message.value());
        return json;
    }
}
