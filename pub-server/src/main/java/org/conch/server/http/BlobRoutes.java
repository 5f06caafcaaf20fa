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
import org.conch.feed.FeedId;
import org.conch.feed.store.FeedStore;
import org.conch.gossip.blobs.BlobService;
import org.conch.server.api.ApiContract;
import org.conch.server.api.BlobCollector;


import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

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
    private static final String UPLOAD_PATH = ApiContract.BLOB_UPLOAD_PATH;
    /** Sandboxed, no script, no plugins; only images (and inline styles of an SVG-less image viewer). */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox";
    private static final int DEFAULT_WANT_SECONDS = ApiContract.DEFAULT_BLOB_WANT_SECONDS;
    private static final int MAX_WANT_SECONDS = ApiContract.MAX_BLOB_WANT_SECONDS;

    private final BlobStore blobStore;
    private final BlobService blobs;
    private final FeedStore store;
    private final Supplier<Set<FeedId>> replicated;
    private final long maxBytes;
    private final Workers workers;

    /**
     * @param blobs      the exchange of blobs with connected peers
     * @param store      the messages whose blob references keep blobs from being collected
     * @param replicated the feeds replicated now, the only ones whose references count
     * @param maxBytes   the largest blob stored (blob-max-bytes)
     */
    public BlobRoutes(BlobStore blobStore, BlobService blobs, FeedStore store, Supplier<Set<FeedId>> replicated, long maxBytes,
                      Workers workers) {
        this.blobStore = blobStore;
        this.blobs = blobs;
        this.store = store;
        this.replicated = replicated;
        this.maxBytes = maxBytes;
        this.workers = workers;
    }

    @Override
    public void mountBodyHandlers(Router router) {
        long max = maxBytes;
        router.post(UPLOAD_PATH).handler(BodyHandler.create(false).setBodyLimit(max)).failureHandler(context -> {
            if (context.statusCode() == 413) HttpApi.fail(context, 413, "blob over the limit of " + max + " bytes (blob-max-bytes)");
            else context.next();
        });
    }

    @Override
    public void mount(Router router) {
        router.get("/blobs/:id").handler(this::serve);
        router.post(UPLOAD_PATH).handler(this::upload);
        router.post("/api/blobs/want").handler(this::want);
        router.post("/api/blobs/gc").handler(context -> workers.run(() -> BlobCollector.collect(store, replicated.get(), blobStore))
                .onSuccess(result -> {
                    Map<String, Object> reply = new LinkedHashMap<>();
                    reply.put("removed", (double) result.removed());
                    reply.put("freedBytes", (double) result.freedBytes());
                    reply.put("kept", (double) result.kept());
                    HttpApi.json(context, 200, reply);
                }).onFailure(context::fail));
        router.get("/api/blobs/:id").handler(context -> {
            BlobId id = blobId(context);
            if (id != null) HttpApi.json(context, 200, describe(id, blobStore));
        });
    }

    /** {@code {id, size, have}} of a blob; size null when it is not stored. From memory: the store keeps the sizes. */
    private static Map<String, Object> describe(BlobId id, BlobStore blobs) {
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

    private void serve(RoutingContext context) {
        BlobId id = blobId(context);
        if (id == null) return;
        if (!blobStore.has(id)) {
            HttpApi.fail(context, 404, "blob " + id + " is not stored here");
            return;
        }
        workers.run(() -> {
            Path file = blobStore.path(id);
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

    private void upload(RoutingContext context) {
        Buffer body = context.body().buffer();
        if (body == null || body.length() == 0) {
            HttpApi.fail(context, 400, "the body must be the blob's bytes; it is empty");
            return;
        }
        byte[] bytes = body.getBytes();
        workers.run(() -> blobStore.add(bytes)).onSuccess(id -> {
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
    private void want(RoutingContext context) {
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
        var wanted = blobs.want(id);
        wanted.thenAccept(size -> vertxContext.runOnContext(v -> stored.tryComplete(size)));
        long timer = context.vertx().setTimer(Math.max(1, (long) (seconds * 1000)), t -> {
            wanted.cancel(false);
            stored.tryFail("timeout");
        });
        stored.future().onComplete(done -> context.vertx().cancelTimer(timer));
        stored.future()
                .compose(size -> Future.succeededFuture(describe(id, blobStore)),
                        e -> Future.fromCompletionStage(blobs.offers(id), vertxContext).map(offers -> {
                            Map<String, Object> reply = describe(id, blobStore);
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
                    reply.put("peers", (double) blobs.connectedPeers());
                    reply.put("maxBytes", (double) maxBytes);
                    HttpApi.json(context, 200, reply);
                })
                .onFailure(context::fail);
    }
}
