package org.conch.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.conch.feed.blob.BlobStore;
import org.conch.gossip.replication.ReplicationStatus;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What an operator graphs, in Prometheus' text format at {@code GET /metrics}: connections, messages stored
 * and appended (rate() gives messages/s), blobs stored and their bytes, replication lag, invite redemptions, and the JVM's heap, threads,
 * GC and file descriptors.
 */
public final class Metrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter appended;
    private final Counter invitesRedeemed;
    private final Counter invitesRefused;
    private final AtomicLong replicationLag = new AtomicLong();
    private final AtomicLong feedsBehind = new AtomicLong();
    private final JvmGcMetrics gc = new JvmGcMetrics();

    /**
     * @param peersConnected  gossip connections open now
     * @param messagesStored  messages in the feed store now
     * @param feedsReplicated feeds in the replication set now
     * @param blobs           the blob store, counted when scraped
     */
    Metrics(Supplier<Number> peersConnected, Supplier<Number> messagesStored, Supplier<Number> feedsReplicated, BlobStore blobs) {
        Gauge.builder("conch.peers.connected", peersConnected)
                .description("gossip connections open, both directions").register(registry);
        Gauge.builder("conch.messages.stored", messagesStored)
                .description("messages in the feed store").register(registry);
        Gauge.builder("conch.replication.feeds", feedsReplicated)
                .description("feeds in the replication set (follow graph within hops, minus blocks)").register(registry);
        Gauge.builder("conch.replication.lag.messages", replicationLag, AtomicLong::get)
                .description("messages connected peers claim that are not stored here yet, summed over feeds").register(registry);
        Gauge.builder("conch.replication.feeds.behind", feedsBehind, AtomicLong::get)
                .description("feeds for which some connected peer claims more than is stored here").register(registry);
        Gauge.builder("conch.blobs.stored", blobs, BlobStore::count)
                .description("blobs in the blob store").register(registry);
        Gauge.builder("conch.blobs.bytes", blobs, BlobStore::totalBytes)
                .description("bytes of all stored blobs").register(registry);
        appended = Counter.builder("conch.messages.appended").description("messages appended to the store since start")
                .register(registry);
        invitesRedeemed = Counter.builder("conch.invites.redeemed").description("invite uses accepted").register(registry);
        invitesRefused = Counter.builder("conch.invites.refused").description("invite uses refused (used up, expired, revoked, invalid)")
                .register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        gc.bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /** Counts one appended message; called for every message the store accepts. */
    /** The room's gauges: attendants and tunnels now, calls refused since start. */
    public void watchRoom(org.conch.gossip.room.RoomService room) {
        Gauge.builder("conch.room.attendants", room, r -> r.attendants().size())
                .description("peers attending the room").register(registry);
        Gauge.builder("conch.room.tunnels", room, org.conch.gossip.room.RoomService::openTunnels)
                .description("tunnels the room relays").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("conch.room.refusals", room, r -> r.refusals())
                .description("room calls refused (full room, tunnel limits, tunnels to oneself, non-members)").register(registry);
    }

    public void messageAppended() {
        appended.increment();
    }

    public void inviteRedeemed() {
        invitesRedeemed.increment();
    }

    public void inviteRefused() {
        invitesRefused.increment();
    }

    /** Takes lag figures from a replication snapshot (refreshed periodically, since a snapshot is asynchronous). */
    void update(ReplicationStatus status) {
        java.util.Map<String, Long> behind = new java.util.HashMap<>();
        for (ReplicationStatus.Peer peer : status.peers()) {
            for (ReplicationStatus.Feed feed : peer.feeds()) {
                long lag = feed.remoteSeq() - feed.localSeq();
                if (lag > 0) behind.merge(feed.feed(), lag, Math::max);
            }
        }
        replicationLag.set(behind.values().stream().mapToLong(Long::longValue).sum());
        feedsBehind.set(behind.size());
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
