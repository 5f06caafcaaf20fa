package org.conch.gossip.replication;

import org.conch.feed.FeedId;
import org.conch.feed.store.FeedStore;
import org.conch.feed.store.StoredMessage;
import org.conch.gossip.Subscriptions;
import org.conch.gossip.muxrpc.RpcSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Replication for one store and identity, shared by every connection (one per server, never static):
 * the follow graph and the replication set it gives, the local vector clock, the store subscription
 * that fans new messages out to the connections, and the table of connections.
 *
 * <p>Wiring, per connection (see {@link PeerReplication}):
 * <pre>{@code
 * ReplicationService replication = ReplicationService.start(store, ReplicationConfig.of(self, cap, workers));
 * ReplicationHandlers.register(registry, replication);          // once, before connections
 * // per connection, on its thread, before the first packet is handed to the session:
 * PeerReplication peer = replication.attach(session, connectionContext, weDialled);
 * // when the connection is gone (after session.close(reason)):
 * peer.close();
 * }</pre>
 *
 * <p>Thread-safe. Store calls run on {@link ReplicationConfig#storeExecutor()}; everything that touches
 * a connection runs on that connection's executor.
 */
public final class ReplicationService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicationService.class);

    private final FeedStore store;
    private final ReplicationConfig config;
    private final FollowGraph graph;
    private final Map<FeedId, Long> clock = new ConcurrentHashMap<>();
    private final Map<RpcSession, PeerReplication> peers = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final AtomicBoolean recomputeScheduled = new AtomicBoolean();
    private final AtomicLong graphVersion = new AtomicLong();
    private final Object publishLock = new Object();
    private long publishedVersion = -1;
    private volatile Set<FeedId> replicationSet;
    private final List<AutoCloseable> subscriptions = new ArrayList<>();
    private volatile boolean closed;

    private ReplicationService(FeedStore store, ReplicationConfig config, FollowGraph graph) {
        this.store = store;
        this.config = config;
        this.graph = graph;
        this.replicationSet = Set.of(config.self());
    }

    /**
     * Subscribes to the store and loads the follow graph and the clock on the store executor. Returns at
     * once; {@link #ready()} completes when the load is done (connections attached before then wait).
     */
    public static ReplicationService start(FeedStore store, ReplicationConfig config) {
        ReplicationService service = new ReplicationService(store, config, new FollowGraph());
        service.subscriptions.add(service.graph.onChange(service::graphChanged));
        service.subscriptions.add(store.subscribe(service::stored));
        config.storeExecutor().execute(service::load);
        return service;
    }

    private void load() {
        try {
            graph.load(store);
            for (FeedStore.FeedSummary summary : store.feeds()) {
                clock.merge(summary.feed(), summary.latestSequence(), Math::max);
            }
            recompute();
            ready.complete(null);
        } catch (RuntimeException e) {
            LOG.atError().setCause(e).log("replication could not load the follow graph and clock: {}", e.toString());
            ready.completeExceptionally(e);
        }
    }

    /** The store's append listener: runs on the appending thread, so only quick hand-offs here. */
    private void stored(StoredMessage stored) {
        clock.merge(stored.message().author(), stored.message().sequence(), Math::max);
        graph.apply(stored.message());
        for (PeerReplication peer : peers.values()) {
            peer.localAppend(stored);
        }
    }

    private void graphChanged() {
        graphVersion.incrementAndGet();
        if (!closed && recomputeScheduled.compareAndSet(false, true)) {
            config.storeExecutor().execute(() -> {
                recomputeScheduled.set(false);
                recompute();
            });
        }
    }

    /** Computes the replication set and tells the connections; stale results never overwrite newer ones. */
    private void recompute() {
        long version = graphVersion.get();
        Set<FeedId> set = graph.replicationSet(config.self(), config.hops());
        synchronized (publishLock) {
            if (version < publishedVersion) {
                return;
            }
            publishedVersion = version;
            replicationSet = set;
        }
        for (PeerReplication peer : peers.values()) {
            peer.graphChanged(set);
        }
    }

    /** Completes once the follow graph and the clock are loaded. */
    public CompletableFuture<Void> ready() {
        return ready;
    }

    public FeedStore store() {
        return store;
    }

    public ReplicationConfig config() {
        return config;
    }

    public FeedId self() {
        return config.self();
    }

    public FollowGraph followGraph() {
        return graph;
    }

    /** The feeds replicated now: self, its follows within the hops, minus its blocks. */
    public Set<FeedId> replicationSet() {
        return replicationSet;
    }

    /** The latest stored sequence of a feed, 0 when none is stored. Cheap; any thread. */
    public long localSequence(FeedId feed) {
        Long sequence = clock.get(feed);
        return sequence == null ? 0 : sequence;
    }

    /** The local vector clock as ebt.clock returns it: {@code {"@feed": sequence}}, sorted by feed id. */
    public Map<String, Object> clockJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        new TreeMap<>(clock).forEach((feed, sequence) -> json.put(feed.toString(), (double) sequence));
        return json;
    }

    long now() {
        return config.clock().getAsLong();
    }

    /**
     * Attaches replication to a new connection and starts it: as the side that dialled it calls
     * {@code ebt.replicate} (falling back to history streams when the peer has no EBT); as the side that
     * was dialled it serves the peer's calls and replicates by history streams if the peer uses them.
     * Call on the connection's thread before the session receives its first packet.
     *
     * @param session           the connection's muxrpc session (its caller's peerId names the peer)
     * @param connectionContext runs tasks on the connection's thread, in order (Vert.x: the connection
     *                          context's {@code runOnContext}); the session's dispatcher should be the same
     * @param weDialled         true when this side opened the TCP connection (the muxrpc client)
     */
    public PeerReplication attach(RpcSession session, Executor connectionContext, boolean weDialled) {
        if (closed) {
            throw new IllegalStateException("replication is closed");
        }
        PeerReplication peer = new PeerReplication(this, session, connectionContext, weDialled);
        if (peers.putIfAbsent(session, peer) != null) {
            throw new IllegalStateException("replication is already attached to this session");
        }
        peer.start();
        return peer;
    }

    /** The replication of a connection, or null when none is attached. */
    public PeerReplication peer(RpcSession session) {
        return peers.get(session);
    }

    void detach(PeerReplication peer) {
        peers.remove(peer.session(), peer);
    }

    /**
     * A snapshot of replication: every connection's per-feed progress, gathered on each connection's
     * thread. Connections that do not answer within two seconds are left out.
     */
    public CompletionStage<ReplicationStatus> status() {
        List<CompletableFuture<ReplicationStatus.Peer>> snapshots = new ArrayList<>();
        for (PeerReplication peer : peers.values()) {
            snapshots.add(peer.snapshot().toCompletableFuture().completeOnTimeout(null, 2, TimeUnit.SECONDS));
        }
        long now = now();
        int setSize = replicationSet.size();
        return CompletableFuture.allOf(snapshots.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<ReplicationStatus.Peer> list = new ArrayList<>();
            for (CompletableFuture<ReplicationStatus.Peer> snapshot : snapshots) {
                ReplicationStatus.Peer peer = snapshot.join();
                if (peer != null) {
                    list.add(peer);
                }
            }
            return new ReplicationStatus(config.self().toString(), now, setSize, clock.size(), list);
        });
    }

    @Override
    public void close() {
        closed = true;
        Subscriptions.closeAll(subscriptions, LOG, "replication");
        for (PeerReplication peer : new ArrayList<>(peers.values())) {
            peer.close();
        }
    }
}
