package org.conch.server.http;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.conch.feed.BlobId;
import org.conch.feed.blob.BlobException;
import org.conch.feed.blob.BlobStore;
import org.conch.server.BlobCollector;
import org.conch.server.ConchServer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Blobs over HTTP, for the web client and {@code conch blobs …}:
 * <ul>
 *   <li>{@code GET /blobs/:id} (URL-encoded {@code &…}): the bytes, typed by their magic bytes (png, jpeg, gif,
 *       webp, else application/octet-stream), under a Content-Security-Policy that lets nothing run, with
 *       single byte ranges (206);</li>
 *   <li>{@code POST /api/blobs} (the raw bytes, token needed, at most blob-max-bytes): {@code {"id":"&…","size":n}};</li>
 *   <li>{@code GET /api/blobs/:id}: {@code {id, size, have}} (size null when not stored);</li>
 *   <li>{@code POST /api/blobs/want {"id","timeout"?}}: wants it from connected peers and waits up to
 *       {@code timeout} seconds (default 30): {@code {id, have, size?, peers, offers:[{peer,size}]}};</li>
 *   <li>{@code POST /api/blobs/gc}: removes blobs no replicated feed refers to: {@code {removed, freedBytes, kept}}.</li>
 * </ul>
 */
public final class BlobRoutes implements ApiRoutes {
    public static final String UPLOAD_PATH = "/api/blobs";
    /** Sandboxed, no script, no plugins; only images (and inline styles of an SVG-less image viewer). */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox";
    public static final int DEFAULT_WANT_SECONDS = 30;
    public static final int MAX_WANT_SECONDS = 600;

    @Override
    public void mountBodyHandlers(Router router, ConchServer server) {
        long max = server.config().blobMaxBytes();
        router.post(UPLOAD_PATH).handler(BodyHandler.create(false).setBodyLimit(max)).failureHandler(context -> {
            if (context.statusCode() == 413) HttpApi.fail(context, 413, "blob over the limit of " + max + " bytes (blob-max-bytes)");
            else context.next();
        });
    }

    @Override
    public void mount(Router router, ConchServer server) {
        router.get("/blobs/:id").handler(context -> serve(context, server));
        router.post(UPLOAD_PATH).handler(context -> upload(context, server));
        router.post("/api/blobs/want").handler(context -> want(context, server));
        router.post("/api/blobs/gc").handler(context -> server.blocking(() -> BlobCollector.collect(server.store(),
                        server.replication().replicationSet(), server.blobStore()))
                .onSuccess(result -> {
                    Map<String, Object> reply = new LinkedHashMap<>();
                    reply.put("removed", (double) result.removed());
                    reply.put("freedBytes", (double) result.freedBytes());
                    reply.put("kept", (double) result.kept());
                    HttpApi.json(context, 200, reply);
                }).onFailure(context::fail));
        router.get("/api/blobs/:id").handler(context -> {
            BlobId id = blobId(context);
            if (id != null) HttpApi.json(context, 200, describe(id, server.blobStore()));
        });
    }

    /** {@code {id, size, have}} of a blob; size null when it is not stored. */
    public static Map<String, Object> describe(BlobId id, BlobStore blobs) {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("id", id.toString());
        reply.put("size", blobs.size(id).isPresent() ? (Object) (double) blobs.size(id).getAsLong() : null);
        reply.put("have", blobs.has(id));
        return reply;
    }

    private static BlobId blobId(RoutingContext context) {
        return HttpApi.pathRef(context, "id", BlobId::tryParse, "a blob id");
    }

    private record Head(Path file, long size, byte[] head) {
    }

    private static void serve(RoutingContext context, ConchServer server) {
        BlobId id = blobId(context);
        if (id == null) return;
        if (!server.blobStore().has(id)) {
            HttpApi.fail(context, 404, "blob " + id + " is not stored here");
            return;
        }
        server.blocking(() -> {
            Path file = server.blobStore().path(id);
            byte[] head;
            try (InputStream in = Files.newInputStream(file)) {
                head = in.readNBytes(BlobContent.SNIFF_BYTES);
            }
            return new Head(file, Files.size(file), head);
        }).onSuccess(head -> {
            var response = context.response();
            response.putHeader("Content-Type", BlobContent.sniff(head.head()))
                    .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                    .putHeader("X-Content-Type-Options", "nosniff")
                    .putHeader("Accept-Ranges", "bytes")
                    .putHeader("Cache-Control", "private, max-age=31536000, immutable")
                    .putHeader("ETag", "\"" + id.base64() + "\"");
            BlobContent.RangeRequest range = BlobContent.range(context.request().getHeader("Range"), head.size());
            if (!range.satisfiable()) {
                response.setStatusCode(416).putHeader("Content-Range", "bytes */" + head.size()).end();
            } else if (range.range().isPresent()) {
                BlobContent.Range slice = range.range().get();
                response.setStatusCode(206).putHeader("Content-Range", "bytes " + slice.start() + "-" + slice.end() + "/" + head.size());
                response.sendFile(head.file().toString(), slice.start(), slice.length());
            } else {
                response.sendFile(head.file().toString());
            }
        }).onFailure(e -> HttpApi.fail(context, e instanceof IOException ? 404 : 500, "cannot read blob " + id + ": " + e.getMessage()));
    }

    private static void upload(RoutingContext context, ConchServer server) {
        Buffer body = context.body().buffer();
        if (body == null || body.length() == 0) {
            HttpApi.fail(context, 400, "the body must be the blob's bytes; it is empty");
            return;
        }
        byte[] bytes = body.getBytes();
        server.blocking(() -> server.blobStore().add(bytes)).onSuccess(id -> {
            Map<String, Object> reply = new LinkedHashMap<>();
            reply.put("id", id.toString());
            reply.put("size", (double) bytes.length);
            HttpApi.json(context, 200, reply);
        }).onFailure(e -> failBlob(context, e));
    }

    private static void failBlob(RoutingContext context, Throwable e) {
        if (e instanceof BlobException blob) {
            int status = switch (blob.reason()) {
                case TOO_LARGE -> 413;
                case OVER_QUOTA -> 507;
                case HASH_MISMATCH -> 400;
                case NOT_FOUND -> 404;
                case IO -> 500;
            };
            HttpApi.fail(context, status, blob.getMessage());
        } else {
            context.fail(e);
        }
    }

    /** {@code {"id":"&…","timeout":30}}: wants the blob from the peers and waits for it, or says who had what. */
    private static void want(RoutingContext context, ConchServer server) {
        Map<String, Object> body = HttpApi.jsonObjectBody(context);
        if (body == null) return;
        BlobId id = body.get("id") instanceof String text ? BlobId.tryParse(text).orElse(null) : null;
        if (id == null) {
            HttpApi.fail(context, 400, "id must be a blob id &….sha256");
            return;
        }
        Object timeout = body.getOrDefault("timeout", (double) DEFAULT_WANT_SECONDS);
        if (!(timeout instanceof Double seconds) || seconds < 0 || seconds > MAX_WANT_SECONDS) {
            HttpApi.fail(context, 400, "timeout must be 0 to " + MAX_WANT_SECONDS + " seconds");
            return;
        }
        Promise<Long> stored = Promise.promise();
        var vertxContext = context.vertx().getOrCreateContext();
        var wanted = server.blobs().want(id);
        wanted.thenAccept(size -> vertxContext.runOnContext(v -> stored.tryComplete(size)));
        long timer = context.vertx().setTimer(Math.max(1, (long) (seconds * 1000)), t -> {
            wanted.cancel(false);
            stored.tryFail("timeout");
        });
        stored.future().onComplete(done -> context.vertx().cancelTimer(timer));
        stored.future()
                .compose(size -> Future.succeededFuture(describe(id, server.blobStore())),
                        e -> Future.fromCompletionStage(server.blobs().offers(id), vertxContext).map(offers -> {
                            Map<String, Object> reply = describe(id, server.blobStore());
                            List<Object> list = new ArrayList<>();
                            offers.forEach((peer, size) -> {
                                Map<String, Object> offer = new LinkedHashMap<>();
                                offer.put("peer", peer);
                                offer.put("size", (double) size);
                                list.add(offer);
                            });
                            reply.put("offers", list);
                            return reply;
                        }))
                .onSuccess(reply -> {
                    reply.put("peers", (double) server.blobs().connectedPeers());
                    reply.put("maxBytes", (double) server.config().blobMaxBytes());
                    HttpApi.json(context, 200, reply);
                })
                .onFailure(context::fail);
    }
}
