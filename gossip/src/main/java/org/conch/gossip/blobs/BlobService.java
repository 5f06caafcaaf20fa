package org.conch.gossip.blobs;

import org.conch.gossip.SerialExecutor;

import org.conch.feed.BlobId;
import org.conch.feed.FeedId;
import org.conch.feed.blob.BlobRefs;
import org.conch.feed.blob.BlobStore;
import org.conch.feed.store.FeedStore;
import org.conch.gossip.GossipException;
import org.conch.gossip.Subscriptions;
import org.conch.gossip.muxrpc.RpcSession;
import org.conch.gossip.muxrpc.StreamListener;
import org.conch.gossip.muxrpc.Substream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Blob exchange for one {@link BlobStore}, shared by every connection: the adapter between the pure
 * {@link BlobWants} core and the connections. The core runs on a serial executor over the worker pool
 * (never on an event loop, never two threads at once); everything that touches a connection runs on that
 * connection's executor; file I/O runs on the workers.
 *
 * <p>Per connection (after the session exists, before its first packet), as with replication:
 * <pre>{@code
 * BlobService.Peer peer = blobs.attach(session, connectionContext);
 * ... when the connection is gone: peer.close();
 * }</pre>
 * Attaching calls the peer's {@code blobs.createWants}; {@link BlobHandlers} serve the peer's calls.
 */
public final class BlobService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BlobService.class);
    /** A blobs.get that brings no byte for this long is given up, and the blob asked of another peer. */
    public static final Duration DEFAULT_FETCH_STALL = Duration.ofSeconds(60);

    private final BlobStore store;
    private final Executor workers;
    private final Executor core;
    private final BlobWants wants;
    private final Map<RpcSession, Peer> bySession = new ConcurrentHashMap<>();
    private final Map<String, Peer> byLabel = new ConcurrentHashMap<>();
    private final Map<BlobId, List<CompletableFuture<Long>>> waiters = new ConcurrentHashMap<>();
    private final AtomicLong connections = new AtomicLong();
    private final List<AutoCloseable> subscriptions = new ArrayList<>();
    private final Duration fetchStall;

    public BlobService(BlobStore store, Executor workers) {
        this(store, workers, BlobWants.DEFAULT_SYMPATHY, DEFAULT_FETCH_STALL);
    }

    public BlobService(BlobStore store, Executor workers, int sympathy, Duration fetchStall) {
        this.store = store;
        this.workers = workers;
        this.fetchStall = fetchStall;
        this.core = new SerialExecutor(workers);
        this.wants = new BlobWants(store.maxBytes(), sympathy, id -> store.size(id).orElse(-1));
        subscriptions.add(store.subscribe(this::stored));
    }

    public BlobStore store() {
        return store;
    }

    Executor workers() {
        return workers;
    }

    // ------------------------------------------------------------------ local wants

    /**
     * Wants {@code id} from the connected peers (and those that connect later): completes with its size
     * once stored (at once when it is already). Never fails; callers add their own timeout and cancel the
     * future when they stop waiting (the want itself stays until the blob comes).
     */
    public CompletableFuture<Long> want(BlobId id) {
        CompletableFuture<Long> stored = new CompletableFuture<>();
        waiters.computeIfAbsent(id, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(stored);
        stored.whenComplete((size, e) -> {
            if (stored.isCancelled()) waiters.computeIfPresent(id, (k, list) -> {
                list.remove(stored);
                return list.isEmpty() ? null : list;
            });
        });
        if (store.has(id)) {
            completeWaiters(id, store.size(id).orElse(0));
            return stored;
        }
        core.execute(() -> apply(wants.want(id)));
        return stored;
    }

    /** What connected peers say about {@code id}: peer id to the size they claim. */
    public CompletionStage<Map<String, Long>> offers(BlobId id) {
        CompletableFuture<Map<String, Long>> result = new CompletableFuture<>();
        core.execute(() -> {
            Map<String, Long> byPeer = new LinkedHashMap<>();
            wants.offers(id).forEach((label, size) -> {
                Peer peer = byLabel.get(label);
                if (peer != null) byPeer.put(peer.remoteId(), size);
            });
            result.complete(byPeer);
        });
        return result;
    }

    /** Connections blob exchange is attached to now. */
    public int connectedPeers() {
        return byLabel.size();
    }

    /** How many of the newest stored messages are looked through for missing blobs at start. */
    public static final int STARTUP_SCAN_MESSAGES = 10_000;

    /**
     * Wants the blobs that messages of feeds accepted by {@code followed} refer to ({@link BlobRefs}), for
     * every message the store appends from now on.
     */
    public AutoCloseable wantReferencedBlobs(FeedStore feeds, Predicate<FeedId> followed) {
        AutoCloseable subscription = feeds.subscribe(stored -> wantMissing(stored, followed));
        subscriptions.add(subscription);
        return subscription;
    }

    /**
     * The same, in the background, for the newest {@value #STARTUP_SCAN_MESSAGES} messages already stored:
     * a restart or a kill mid-replication would otherwise leave their images missing for good. Older ones
     * are left to explicit wants, so that a large store does not flood its peers with wants.
     */
    public void wantReferencedBlobsOfRecentMessages(FeedStore feeds, Predicate<FeedId> followed) {
        long from = Math.max(0, feeds.messageCount() - STARTUP_SCAN_MESSAGES + 1);
        workers.execute(() -> {
            try {
                feeds.forEachInLog(from, stored -> wantMissing(stored, followed));
            } catch (RuntimeException e) {
                LOG.warn("looking through stored messages for missing blobs failed: {}", e.toString());
            }
        });
    }

    private void wantMissing(org.conch.feed.store.StoredMessage stored, Predicate<FeedId> followed) {
        if (!followed.test(stored.message().author())) return;
        for (BlobId id : BlobRefs.of(stored.message().content())) {
            if (!store.has(id)) want(id);
        }
    }

    private void stored(BlobStore.Added added) {
        completeWaiters(added.id(), added.size());
        core.execute(() -> apply(wants.added(added.id(), added.size())));
    }

    private void completeWaiters(BlobId id, long size) {
        List<CompletableFuture<Long>> waiting = waiters.remove(id);
        if (waiting != null) waiting.forEach(future -> future.complete(size));
    }

    // ------------------------------------------------------------------ connections

    /** Starts blob exchange on a new connection: registers it and calls the peer's {@code blobs.createWants}. */
    public Peer attach(RpcSession session, Executor connectionContext) {
        Peer peer = new Peer(session, connectionContext, session.caller().peerId() + "#" + connections.incrementAndGet());
        if (bySession.putIfAbsent(session, peer) != null) {
            throw new IllegalStateException("blobs are already attached to this session");
        }
        byLabel.put(peer.label, peer);
        core.execute(() -> wants.connected(peer.label));
        connectionContext.execute(peer::callCreateWants);
        return peer;
    }

    /** The blob exchange of a connection, or null. */
    public Peer peer(RpcSession session) {
        return bySession.get(session);
    }

    /** Carries out the core's decisions: items to the peers' want streams, fetches. Runs on the core executor. */
    private void apply(BlobWants.Decisions decisions) {
        decisions.send().forEach((label, item) -> {
            Peer peer = byLabel.get(label);
            if (peer != null) peer.context.execute(() -> peer.sendWants(item));
        });
        for (BlobWants.Fetch fetch : decisions.fetches()) {
            Peer peer = byLabel.get(fetch.peer());
            if (peer == null) {
                core.execute(() -> apply(wants.fetchFailed(fetch.peer(), fetch.id())));
            } else {
                peer.context.execute(() -> peer.fetch(fetch.id(), fetch.size()));
            }
        }
    }

    @Override
    public void close() {
        Subscriptions.closeAll(subscriptions, LOG, "blob");
        new ArrayList<>(bySession.values()).forEach(Peer::close);
    }

    /** Blob exchange with one connection. Its methods run on the connection's executor unless said otherwise. */
    public final class Peer implements AutoCloseable {
        private final RpcSession session;
        private final Executor context;
        private final String label;
        /** The want stream we serve for the peer's createWants call (null until it calls). */
        private Substream served;
        private volatile boolean closed;

        private Peer(RpcSession session, Executor context, String label) {
            this.session = session;
            this.context = context;
            this.label = label;
        }

        public String remoteId() {
            return session.caller().peerId();
        }

        public Executor context() {
            return context;
        }

        private void callCreateWants() {
            if (closed || session.isClosed()) return;
            session.source("blobs.createWants", List.of(), new StreamListener() {
                @Override
                public void onItem(Substream stream, Object item) {
                    core.execute(() -> apply(wants.received(label, item)));
                }

                @Override
                public void onEnd(Substream stream, GossipException error) {
                    if (error != null && !closed) {
                        LOG.atDebug().addKeyValue("peer", remoteId()).addKeyValue("reason", error.getMessage())
                                .log("{}'s blobs.createWants ended: {}", remoteId(), error.getMessage());
                    }
                }
            });
        }

        /** The peer called our createWants: the first item is every current want, later ones follow. */
        void serveCreateWants(Substream stream) {
            served = stream;
            core.execute(() -> {
                Map<String, Object> first = wants.streamOpened(label);
                context.execute(() -> stream.write(first));
            });
        }

        /** The peer asked blobs.has about these missing blobs: ssb-blobs takes that as its wanting them. */
        void askedFor(List<BlobId> missing) {
            if (!missing.isEmpty()) core.execute(() -> apply(wants.askedFor(label, missing)));
        }

        private void sendWants(Map<String, Object> item) {
            if (served != null) served.write(item);
        }

        /** Gets {@code id} with blobs.get (at most the store's limit), then verifies and stores it on a worker. */
        private void fetch(BlobId id, long size) {
            if (closed || session.isClosed()) {
                core.execute(() -> apply(wants.fetchFailed(label, id)));
                return;
            }
            Map<String, Object> options = new LinkedHashMap<>();
            options.put("key", id.toString());
            options.put("max", (double) store.maxBytes());
            Fetching fetching = new Fetching(id);
            fetching.watch(session.source("blobs.get", List.of(options), fetching));
        }

        /** Reads one blobs.get: collects at most the limit, gives up on a stall, stores what verifies. */
        private final class Fetching implements StreamListener {
            private final BlobId id;
            private final ByteArrayOutputStream received = new ByteArrayOutputStream();
            private String refusal;
            private boolean done;
            private int seenAtLastCheck;

            Fetching(BlobId id) {
                this.id = id;
            }

            /** After each stall period, on the connection's thread: gives up unless bytes came meanwhile. */
            void watch(Substream stream) {
                seenAtLastCheck = received.size();
                CompletableFuture.delayedExecutor(fetchStall.toMillis(), TimeUnit.MILLISECONDS, context).execute(() -> {
                    if (done) return;
                    if (received.size() > seenAtLastCheck) {
                        watch(stream);
                        return;
                    }
                    done = true;
                    stream.abort();
                    failed(id, "no data for " + fetchStall.toMillis() + " ms");
                });
            }

            @Override
            public void onItem(Substream stream, Object item) {
                if (refusal != null || done) return;
                if (!(item instanceof byte[] chunk)) {
                    refusal = "a blobs.get item that is not binary";
                } else if (received.size() + (long) chunk.length > store.maxBytes()) {
                    refusal = "more than " + store.maxBytes() + " bytes (blob-max-bytes)";
                } else {
                    received.writeBytes(chunk);
                    return;
                }
                stream.abort();
            }

            @Override
            public void onEnd(Substream stream, GossipException error) {
                if (done) return;
                done = true;
                if (refusal == null && error != null) refusal = error.getMessage();
                if (refusal != null) {
                    failed(id, refusal);
                    return;
                }
                byte[] bytes = received.toByteArray();
                CompletableFuture.runAsync(() -> store.add(id, bytes), workers).whenComplete((ok, e) -> {
                    if (e == null) {
                        LOG.atInfo().addKeyValue("peer", remoteId()).addKeyValue("blob", id)
                                .log("fetched blob {} ({} bytes) from {}", id, bytes.length, remoteId());
                    } else {
                        failed(id, (e.getCause() != null ? e.getCause() : e).getMessage());
                    }
                });
            }
        }

        private void failed(BlobId id, String why) {
            LOG.atInfo().addKeyValue("peer", remoteId()).addKeyValue("blob", id).addKeyValue("reason", why)
                    .log("could not fetch blob {} from {}: {}", id, remoteId(), why);
            core.execute(() -> apply(wants.fetchFailed(label, id)));
        }

        /** The connection is gone: forget it; fetches from it move to other peers. */
        @Override
        public void close() {
            if (closed) return;
            closed = true;
            bySession.remove(session, this);
            byLabel.remove(label, this);
            core.execute(() -> apply(wants.disconnected(label)));
        }
    }
}
