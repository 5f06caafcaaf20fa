package org.conch.gossip.replication;

import org.conch.feed.FeedId;
import org.conch.feed.store.StoredMessage;
import org.conch.gossip.GossipException;
import org.conch.gossip.muxrpc.RemoteCallException;
import org.conch.gossip.muxrpc.RpcSession;
import org.conch.gossip.muxrpc.StreamListener;
import org.conch.gossip.muxrpc.Substream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Replication on one connection: the {@link EbtSession} (whichever side started it), the history
 * streams served to the peer, the history streams opened to it when it has no EBT
 * ({@link LegacyReplication}), the pipeline that validates and stores what it sends, and the per-feed
 * progress that {@link ReplicationStatus} shows.
 *
 * <p>Which side does what: the side that dialled calls {@code ebt.replicate} (as ssb-ebt 9 does on
 * {@code rpc:connect} when it is the client); if the peer answers that it has no such method (or
 * refuses version 3) before sending anything, it falls back to one live {@code createHistoryStream}
 * per feed of the replication set. The side that was dialled serves {@code ebt.replicate}; if the peer
 * calls {@code createHistoryStream} on it without an EBT session, it replicates by history streams too,
 * as ssb-replicate's legacy code does on {@code call:createHistoryStream}.
 *
 * <p>Everything here runs on the connection's thread (the executor given to
 * {@link ReplicationService#attach}), except {@link #close()}, {@link #snapshot()} and the hand-offs
 * from the store subscription and the follow graph, which hop onto it.
 */
public final class PeerReplication {
    private static final Logger LOG = LoggerFactory.getLogger(PeerReplication.class);

    private final ReplicationService service;
    private final RpcSession session;
    private final Executor context;
    private final boolean dialled;
    private final FeedId peerId;
    private final String peerName;
    private final long connectedAt;
    final IngestPipeline ingest;

    private final Map<FeedId, FeedProgress> progress = new HashMap<>();
    private final Set<FeedId> loggedRejections = new HashSet<>();
    private final Map<FeedId, List<HistoryStreamSource>> liveSources = new HashMap<>();
    /** The history streams this peer asked for that have not ended, live or not. */
    private final Set<HistoryStreamSource> served = new HashSet<>();
    private final ConcurrentLinkedQueue<StoredMessage> appended = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean appendedScheduled = new AtomicBoolean();
    private volatile boolean closed;
    private boolean begun;
    private Set<FeedId> replicationSet;
    private EbtSession ebt;
    private LegacyReplication legacy;
    private long received;
    private long sent;

    PeerReplication(ReplicationService service, RpcSession session, Executor context, boolean dialled) {
        this.service = service;
        this.session = session;
        this.context = context;
        this.dialled = dialled;
        this.peerName = session.caller().peerId();
        this.peerId = peerName == null ? null : FeedId.tryParse(peerName).orElse(null);
        this.connectedAt = service.now();
        this.ingest = new IngestPipeline(service, this::execute);
        this.replicationSet = service.replicationSet();
    }

    // ------------------------------------------------------------------ accessors

    ReplicationService service() {
        return service;
    }

    public RpcSession session() {
        return session;
    }

    Executor context() {
        return this::execute;
    }

    /**
     * Runs {@code task} on the connection's thread. If the connection's executor refuses (it is gone),
     * the connection is taken as closed.
     */
    void execute(Runnable task) {
        try {
            context.execute(task);
        } catch (RejectedExecutionException e) {
            if (!closed) {
                closed = true;
                service.detach(this);
                LOG.atDebug().addKeyValue("peer", peerName).log("connection context of {} is gone; replication with it stopped", peerName);
            }
        }
    }

    /** The peer's feed id, or null when its caller id is not one (tests). */
    public FeedId peerId() {
        return peerId;
    }

    String peerName() {
        return peerName;
    }

    public boolean dialled() {
        return dialled;
    }

    Set<FeedId> replicationSet() {
        return replicationSet;
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Nothing in progress on this connection: no received message waiting for validation or storage, no
     * stored message waiting to be offered to the peer, the EBT session and every history stream served idle.
     * Connection thread; with the connection's executor empty it means only a new packet or append can start
     * work again.
     */
    boolean idle() {
        return closed || ingest.backlog() == 0 && appended.isEmpty() && !appendedScheduled.get()
                && (ebt == null || ebt.idle()) && served.stream().allMatch(HistoryStreamSource::idle);
    }

    FeedProgress progress(FeedId feed) {
        return progress.computeIfAbsent(feed, FeedProgress::new);
    }

    /** Whether {@code feed} may be exchanged with this peer: replicated here and not blocking the peer. */
    boolean shares(FeedId feed) {
        return replicationSet.contains(feed) && !blocksPeer(feed);
    }

    /** True when the owner of {@code feed} blocks this peer. */
    boolean blocksPeer(FeedId feed) {
        return peerId != null && service.followGraph().isBlockedBy(feed, peerId);
    }

    void countReceived(FeedProgress feed) {
        feed.received++;
        feed.lastProgress = service.now();
        received++;
    }

    void countSent(FeedProgress feed) {
        feed.sent++;
        sent++;
    }

    /**
     * Logs once per feed that the peer sent something we refuse (at {@code sequence}, 0 when not known), and
     * records it for the status.
     */
    void feedRejected(FeedId feed, long sequence, String reason) {
        progress(feed).stopped = reason;
        if (loggedRejections.add(feed)) {
            LoggingEventBuilder event = LOG.atWarn().addKeyValue("peer", peerName).addKeyValue("feed", feed);
            if (sequence > 0) event = event.addKeyValue("seq", sequence);
            event.addKeyValue("reason", reason)
                    .log("peer {} sent an invalid message of feed {}: {}; stopped replicating that feed with it", peerName, feed, reason);
        }
    }

    // ------------------------------------------------------------------ lifecycle

    void start() {
        service.ready().whenComplete((ok, error) -> execute(() -> {
            if (error != null) {
                LOG.atError().addKeyValue("peer", peerName).log("replication with {} not started: the store could not be loaded", peerName);
                return;
            }
            begin();
        }));
    }

    private void begin() {
        if (closed || begun) {
            return;
        }
        begun = true;
        replicationSet = service.replicationSet();
        if (dialled) {
            ebt = new EbtSession(this, true);
            Map<String, Object> options = new LinkedHashMap<>();
            options.put("version", 3.0);
            options.put("format", "classic");
            try {
                ebt.attach(session.duplex("ebt.replicate", List.of(options), ebt));
            } catch (GossipException e) {
                ebt = null;
                LOG.atDebug().addKeyValue("peer", peerName).addKeyValue("reason", e.getMessage())
                        .log("ebt.replicate to {} not sent: {}", peerName, e.getMessage());
            }
        }
    }

    /** The EBT stream ended; falls back to history streams when the peer has no EBT. */
    void ebtEnded(EbtSession ended, GossipException error) {
        if (ebt == ended) {
            ebt = null;
        }
        if (closed || !dialled || !ended.isClient() || ended.receivedAnything()) {
            if (error != null && !closed) {
                LOG.atDebug().addKeyValue("peer", peerName).addKeyValue("reason", error.getMessage())
                        .log("EBT with {} ended: {}", peerName, error.getMessage());
            }
            return;
        }
        if (error instanceof RemoteCallException remote
                && (remote.isMissingMethod("ebt", "replicate")
                || String.valueOf(remote.getMessage()).startsWith("expected ebt.replicate("))) {
            LOG.atInfo().addKeyValue("peer", peerName).addKeyValue("reason", remote.getMessage())
                    .log("peer {} has no EBT ({}); replicating by history streams", peerName, remote.getMessage());
            startLegacy();
        } else if (error != null) {
            LOG.atDebug().addKeyValue("peer", peerName).addKeyValue("reason", error.getMessage())
                    .log("EBT with {} failed: {}", peerName, error.getMessage());
        }
    }

    private void startLegacy() {
        if (legacy == null && !closed) {
            legacy = new LegacyReplication(this);
            legacy.start();
        }
    }

    // ------------------------------------------------------------------ served calls

    /** Serves an incoming {@code ebt.replicate}: the listener for the peer's half. */
    StreamListener serveEbt(List<Object> args, Substream stream) {
        Object first = args.isEmpty() ? null : args.get(0);
        Object version = first instanceof Map<?, ?> options ? options.get("version") : null;
        if (!(version instanceof Number number) || number.doubleValue() != 3) {
            throw new IllegalArgumentException("expected ebt.replicate({version: 3})");
        }
        Object format = ((Map<?, ?>) first).get("format");
        if (format != null && !"classic".equals(format)) {
            throw new IllegalArgumentException("Unknown format: " + format);
        }
        if (ebt != null) {
            throw new IllegalStateException("ebt.replicate is already running on this connection");
        }
        if (legacy != null) {
            legacy.stop(); // the peer speaks EBT after all
            legacy = null;
        }
        EbtSession server = new EbtSession(this, false);
        ebt = server;
        server.attach(stream);
        if (service.ready().isDone()) {
            replicationSet = service.replicationSet();
            server.start();
        } else {
            stream.pause();
            service.ready().whenComplete((ok, error) -> execute(() -> {
                replicationSet = service.replicationSet();
                server.start();
                stream.resume();
            }));
        }
        return server;
    }

    /** Serves an incoming {@code createHistoryStream}. */
    StreamListener serveHistory(List<Object> args, Substream stream) {
        HistoryStreamArgs parsed = HistoryStreamArgs.parse(args);
        progress(parsed.id()).remote(parsed.sequence() - 1);
        HistoryStreamSource source = new HistoryStreamSource(this, stream, parsed);
        if (!dialled && ebt == null && legacy == null && begun) {
            startLegacy(); // a peer without EBT: replicate its way
        }
        served.add(source);
        source.start();
        return source;
    }

    /** A history stream served ended or was closed. */
    void ended(HistoryStreamSource source) {
        served.remove(source);
    }

    void registerLive(HistoryStreamSource source) {
        liveSources.computeIfAbsent(source.feed(), f -> new ArrayList<>(1)).add(source);
    }

    void unregisterLive(HistoryStreamSource source) {
        List<HistoryStreamSource> list = liveSources.get(source.feed());
        if (list != null) {
            list.remove(source);
            if (list.isEmpty()) {
                liveSources.remove(source.feed());
            }
        }
    }

    // ------------------------------------------------------------------ events from elsewhere

    /** A message was stored (any thread: the store's appending thread). */
    void localAppend(StoredMessage message) {
        if (closed) {
            return;
        }
        appended.add(message);
        if (appendedScheduled.compareAndSet(false, true)) {
            execute(this::deliverAppended);
        }
    }

    private void deliverAppended() {
        appendedScheduled.set(false);
        if (sessionGone()) {
            return;
        }
        StoredMessage message;
        while ((message = appended.poll()) != null) {
            if (closed) {
                appended.clear();
                return;
            }
            if (ebt != null) {
                ebt.localAppend(message);
            }
            List<HistoryStreamSource> sources = liveSources.get(message.message().author());
            if (sources != null) {
                for (HistoryStreamSource source : new ArrayList<>(sources)) {
                    source.localAppend(message);
                }
            }
        }
    }

    /** The follow graph changed (any thread). */
    void graphChanged(Set<FeedId> set) {
        if (closed) {
            return;
        }
        execute(() -> {
            if (sessionGone()) {
                return;
            }
            if (closed || !begun && ebt == null) {
                replicationSet = set;
                return;
            }
            replicationSet = set;
            if (ebt != null) {
                ebt.replicationSetChanged();
            }
            if (legacy != null) {
                legacy.replicationSetChanged();
            }
        });
    }

    /**
     * A safety net for a caller that forgets {@link #close()}: once the session is closed, the next
     * event on this connection closes replication. Connection thread.
     */
    private boolean sessionGone() {
        if (!closed && session.isClosed()) {
            close();
        }
        return closed;
    }

    /** This connection's status, taken on its thread; null once the connection is gone. */
    public CompletionStage<ReplicationStatus.Peer> snapshot() {
        CompletableFuture<ReplicationStatus.Peer> result = new CompletableFuture<>();
        try {
            context.execute(() -> {
                try {
                    result.complete(sessionGone() ? null : snapshotNow());
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    ReplicationStatus.Peer snapshotNow() {
        List<ReplicationStatus.Feed> feeds = new ArrayList<>();
        progress.values().stream()
                .sorted((a, b) -> a.feed.toString().compareTo(b.feed.toString()))
                .forEach(p -> feeds.add(p.snapshot(service.localSequence(p.feed))));
        String mode = ebt != null ? "ebt" : legacy != null ? "history" : "waiting";
        return new ReplicationStatus.Peer(peerName, mode, dialled, connectedAt, received, sent, feeds);
    }

    /**
     * The connection is gone: stops everything and detaches from the service. Any thread; call it once
     * the session is closed. Idempotent.
     */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        service.detach(this);
        Runnable cleanup = () -> {
            ingest.close();
            if (ebt != null) {
                ebt.close();
                ebt = null;
            }
            if (legacy != null) {
                legacy.stop();
                legacy = null;
            }
            for (HistoryStreamSource source : new ArrayList<>(served)) {
                source.close();
            }
            liveSources.clear();
            appended.clear();
        };
        try {
            context.execute(cleanup);
        } catch (RejectedExecutionException e) {
            cleanup.run(); // the connection's thread is gone: nothing runs there any more
        }
    }
}
