package org.conch.gossip.replication;

import org.conch.gossip.GossipException;
import org.conch.gossip.muxrpc.CallContext;
import org.conch.gossip.muxrpc.MethodRegistry;
import org.conch.gossip.muxrpc.MethodRegistry.Access;
import org.conch.gossip.muxrpc.StreamListener;
import org.conch.gossip.muxrpc.Substream;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The RPCs of replication, registered into a {@link MethodRegistry}:
 * <ul>
 *   <li>{@code createHistoryStream} (source, anyone) and {@code ebt.replicate} (duplex, anyone),
 *       served by the connection's {@link PeerReplication};</li>
 *   <li>{@code ebt.clock} (async, anyone): the local vector clock {@code {"@feed": sequence}};</li>
 *   <li>{@code gossip.ping} (duplex, anyone): answers each number with the local time in ms;</li>
 *   <li>{@code whoami} (async, master only, as in ssb-server): {@code {"id": "@self"}};</li>
 *   <li>{@code manifest} (async, anyone): the registry's manifest of what the caller may call.</li>
 * </ul>
 * Stream and clock calls need the connection attached with {@link ReplicationService#attach} first.
 */
public final class ReplicationHandlers {
    private ReplicationHandlers() {
    }

    /** Registers all of the methods above. */
    public static MethodRegistry register(MethodRegistry registry, ReplicationService service) {
        registerBasics(registry, service);
        return registerReplication(registry, service);
    }

    /** {@code manifest}, {@code whoami} and {@code gossip.ping}. */
    public static MethodRegistry registerBasics(MethodRegistry registry, ReplicationService service) {
        registry.async("manifest", Access.ANYONE,
                (context, args) -> CompletableFuture.completedFuture(registry.manifest(context.caller())));
        registry.async("whoami", Access.MASTER, (context, args) -> {
            Map<String, Object> id = new LinkedHashMap<>();
            id.put("id", service.self().toString());
            return CompletableFuture.completedFuture(id);
        });
        registry.duplex("gossip.ping", Access.ANYONE, (context, args, stream) -> new Ping(service));
        return registry;
    }

    /** {@code createHistoryStream}, {@code ebt.replicate} and {@code ebt.clock}. */
    public static MethodRegistry registerReplication(MethodRegistry registry, ReplicationService service) {
        registry.source("createHistoryStream", Access.ANYONE,
                (context, args, stream) -> peer(service, context).serveHistory(args, stream));
        registry.duplex("ebt.replicate", Access.ANYONE,
                (context, args, stream) -> peer(service, context).serveEbt(args, stream));
        registry.async("ebt.clock", Access.ANYONE, (context, args) -> {
            Object first = args.isEmpty() ? null : args.get(0);
            Object format = first instanceof Map<?, ?> options ? options.get("format") : null;
            if (format != null && !"classic".equals(format)) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("Unknown format: " + format));
            }
            return service.ready().thenApply(ready -> service.clockJson());
        });
        return registry;
    }

    private static PeerReplication peer(ReplicationService service, CallContext context) {
        PeerReplication peer = service.peer(context.session());
        if (peer == null) {
            throw new IllegalStateException("replication is not attached to this connection");
        }
        return peer;
    }

    /**
     * The answering side of pull-ping: each number the peer sends (its "serve") is volleyed back with
     * our time. We never serve ourselves, so the peer's answers to ours cannot loop.
     */
    private static final class Ping implements StreamListener {
        private final ReplicationService service;

        Ping(ReplicationService service) {
            this.service = service;
        }

        @Override
        public void onItem(Substream stream, Object item) {
            if (item instanceof Number) {
                stream.write((double) service.now());
            }
        }

        @Override
        public void onEnd(Substream stream, GossipException error) {
        }
    }
}
