package org.conch.gossip.blobs;

import org.conch.feed.BlobId;
import org.conch.gossip.muxrpc.CallContext;
import org.conch.gossip.muxrpc.MethodRegistry;
import org.conch.gossip.muxrpc.MethodRegistry.Access;
import org.conch.gossip.muxrpc.StreamListener;
import org.conch.gossip.muxrpc.Substream;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * The blob RPCs of ssb-blobs that anonymous peers may call, registered into a {@link MethodRegistry}:
 * <ul>
 *   <li>{@code blobs.has} (async) {@code [id]} or {@code [[ids]]}: bool or [bool]; the missing ones count as
 *       the peer wanting them, as in ssb-blobs;</li>
 *   <li>{@code blobs.size} (async): the same shape, sizes or null;</li>
 *   <li>{@code blobs.get} (source) {@code [id]} or {@code [{key|hash, size?, max?}]}: the bytes in chunks;
 *       an error when the blob is missing, is not {@code size} bytes or is over {@code max};</li>
 *   <li>{@code blobs.getSlice} (source) {@code [{hash, start, end, size?, max?}]}: bytes {@code [start, end)};</li>
 *   <li>{@code blobs.createWants} (source): this peer's wants, then haves answering the caller's wants.</li>
 * </ul>
 * Streams need the connection attached with {@link BlobService#attach} first.
 */
public final class BlobHandlers {
    /** Bytes per blobs.get item (the protocol guide's example uses 64 KiB). */
    static final int CHUNK_BYTES = 64 * 1024;

    private BlobHandlers() {
    }

    public static MethodRegistry register(MethodRegistry registry, BlobService service) {
        registry.async("blobs.has", Access.ANYONE, (context, args) -> {
            List<BlobId> ids = ids(args);
            List<Object> answers = new ArrayList<>();
            List<BlobId> missing = new ArrayList<>();
            for (BlobId id : ids) {
                boolean has = service.store().has(id);
                answers.add(has);
                if (!has) missing.add(id);
            }
            BlobService.Peer peer = service.peer(context.session());
            if (peer != null) peer.askedFor(missing);
            return CompletableFuture.completedFuture(args.get(0) instanceof List ? answers : answers.get(0));
        });
        registry.async("blobs.size", Access.ANYONE, (context, args) -> {
            List<Object> sizes = new ArrayList<>();
            for (BlobId id : ids(args)) {
                OptionalLong size = service.store().size(id);
                sizes.add(size.isPresent() ? (Object) (double) size.getAsLong() : null);
            }
            return CompletableFuture.completedFuture(args.get(0) instanceof List ? sizes : sizes.get(0));
        });
        registry.source("blobs.get", Access.ANYONE, (context, args, stream) -> {
            Object first = args.isEmpty() ? null : args.get(0);
            if (first instanceof String text) return serve(service, context, stream, id(text), null, null, 0, Long.MAX_VALUE);
            if (!(first instanceof Map<?, ?> options)) throw new IllegalArgumentException("blobs.get: {hash} is mandatory");
            Object key = options.get("key") != null ? options.get("key") : options.get("hash");
            if (!(key instanceof String text)) throw new IllegalArgumentException("blobs.get: {hash} is mandatory");
            return serve(service, context, stream, id(text), number(options.get("size")), number(options.get("max")), 0, Long.MAX_VALUE);
        });
        registry.source("blobs.getSlice", Access.ANYONE, (context, args, stream) -> {
            if (args.isEmpty() || !(args.get(0) instanceof Map<?, ?> options) || !(options.get("hash") instanceof String text)) {
                throw new IllegalArgumentException("blobs.getSlice: {hash} is mandatory");
            }
            Long start = number(options.get("start"));
            Long end = number(options.get("end"));
            if (start == null) throw new IllegalArgumentException("blobs.getSlice: {start} must be a number");
            if (end == null) throw new IllegalArgumentException("blobs.getSlice: {end} must be a number");
            return serve(service, context, stream, id(text), number(options.get("size")), number(options.get("max")), start, end);
        });
        registry.source("blobs.createWants", Access.ANYONE, (context, args, stream) -> {
            peer(service, context).serveCreateWants(stream);
            return StreamListener.IGNORE;
        });
        return registry;
    }

    /** Checks the blob against {@code size} and {@code max}, reads it on a worker, writes it in chunks with backpressure. */
    private static StreamListener serve(BlobService service, CallContext context, Substream stream, BlobId id,
                                        Long size, Long max, long start, long end) {
        BlobService.Peer peer = peer(service, context);
        OptionalLong stored = service.store().size(id);
        if (stored.isEmpty()) throw new IllegalArgumentException("could not get blob " + id);
        long actual = stored.getAsLong();
        if ((size != null && size != actual) || (max != null && max < actual)) {
            throw new IllegalArgumentException("incorrect file length, requested:" + (size == null ? "undefined" : size)
                    + " file was:" + actual + " for file:" + id);
        }
        sendChunks(service, peer, stream, id, Math.max(0, start), Math.min(end, actual));
        return StreamListener.IGNORE;
    }

    /**
     * Reads the next chunk on a worker and writes it on the connection's thread, then the next once the
     * transport has room: a blob is never held in memory whole, and a slow peer is never flooded.
     */
    private static void sendChunks(BlobService service, BlobService.Peer peer, Substream stream, BlobId id, long position, long end) {
        if (position >= end) {
            stream.end();
            return;
        }
        long length = Math.min(CHUNK_BYTES, end - position);
        CompletableFuture.supplyAsync(() -> service.store().read(id, position, position + length), service.workers())
                .whenComplete((bytes, e) -> peer.context().execute(() -> {
                    if (stream.isLocalEnded()) return; // the caller aborted
                    if (e != null || bytes.length == 0) {
                        stream.error("could not get blob " + id);
                        return;
                    }
                    stream.write(bytes);
                    Runnable next = () -> sendChunks(service, peer, stream, id, position + bytes.length, end);
                    if (stream.writeQueueFull()) stream.drainHandler(next);
                    else next.run();
                }));
    }

    private static BlobService.Peer peer(BlobService service, CallContext context) {
        BlobService.Peer peer = service.peer(context.session());
        if (peer == null) throw new IllegalStateException("blobs are not attached to this connection");
        return peer;
    }

    private static List<BlobId> ids(List<Object> args) {
        Object first = args.isEmpty() ? null : args.get(0);
        List<BlobId> ids = new ArrayList<>();
        if (first instanceof List<?> list) {
            for (Object item : list) ids.add(id(item));
        } else {
            ids.add(id(first));
        }
        return ids;
    }

    private static BlobId id(Object value) {
        return (value instanceof String text ? BlobId.tryParse(text) : java.util.Optional.<BlobId>empty())
                .orElseThrow(() -> new IllegalArgumentException("invalid hash:" + value));
    }

    private static Long number(Object value) {
        return value instanceof Double d && d == Math.rint(d) ? d.longValue() : null;
    }
}
