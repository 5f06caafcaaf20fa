package org.conch.gossip.room;

import org.conch.feed.FeedId;
import org.conch.gossip.GossipException;
import org.conch.gossip.muxrpc.CallContext;
import org.conch.gossip.muxrpc.MethodRegistry;
import org.conch.gossip.muxrpc.MethodRegistry.Access;
import org.conch.gossip.muxrpc.StreamListener;
import org.conch.gossip.muxrpc.Substream;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The RPCs of a room server, registered into a {@link MethodRegistry} (each connection must be attached
 * with {@link RoomService#attach} first):
 * <ul>
 *   <li>{@code room.metadata} (async): {@code {name, membership, features}};</li>
 *   <li>{@code room.attendants} (source, internal users): makes the caller an attendant; a {@code state}
 *       event with every attendant's id, then {@code joined} / {@code left} events;</li>
 *   <li>{@code tunnel.connect} (duplex) {@code {portal, target}}: a tunnel to the attendant {@code target};</li>
 *   <li>{@code tunnel.announce}, {@code tunnel.leave} (async, internal users): attend or stop attending;</li>
 *   <li>{@code tunnel.endpoints} (source, internal users): room 1's form, the whole list at each change;</li>
 *   <li>{@code tunnel.isRoom}, {@code tunnel.ping} (async).</li>
 * </ul>
 */
public final class RoomHandlers {
    private RoomHandlers() {
    }

    public static MethodRegistry register(MethodRegistry registry, RoomService room, List<String> extraFeatures) {
        return register(registry, room, extraFeatures, null);
    }

    /**
     * The same, for a room that also attends other rooms: a {@code tunnel.connect} that carries an {@code origin} is
     * another room opening a tunnel to this peer, and goes to {@code tunnelsToUs} (a {@link RoomClient#answer}).
     */
    public static MethodRegistry register(MethodRegistry registry, RoomService room, List<String> extraFeatures,
                                          MethodRegistry.StreamHandler tunnelsToUs) {
        registry.async("room.metadata", Access.ANYONE, (context, args) ->
                CompletableFuture.completedFuture(metadata(room, context, extraFeatures)));
        registry.source("room.attendants", Access.ANYONE, (context, args, stream) -> subscribe(room, context, stream, false));
        registry.source("tunnel.endpoints", Access.ANYONE, (context, args, stream) -> subscribe(room, context, stream, true));
        registry.async("tunnel.announce", Access.ANYONE, (context, args) ->
                room.attend(internal(room, context), null, false).thenApply(done -> (Object) Boolean.TRUE));
        registry.async("tunnel.leave", Access.ANYONE, (context, args) -> {
            RoomService.Peer peer = peer(room, context);
            room.leaveLater(peer);
            return CompletableFuture.completedFuture(Boolean.TRUE);
        });
        registry.async("tunnel.isRoom", Access.ANYONE, (context, args) ->
                CompletableFuture.completedFuture(metadata(room, context, extraFeatures)));
        registry.async("tunnel.ping", Access.ANYONE, (context, args) ->
                CompletableFuture.completedFuture((double) System.currentTimeMillis()));
        registry.duplex("tunnel.connect", Access.ANYONE, (context, args, stream) -> {
            Object first = args.isEmpty() ? null : args.get(0);
            if (tunnelsToUs != null && first instanceof Map<?, ?> options && options.containsKey("origin")) {
                return tunnelsToUs.open(context, args, stream);
            }
            RoomService.Peer origin = peer(room, context);
            if (!(first instanceof Map<?, ?> options) || !(options.get("target") instanceof String target)) {
                throw new RoomService.RoomException(room.refuse(origin, "tunnel.connect needs {target}"));
            }
            FeedId targetId;
            try {
                targetId = FeedId.parse(target);
            } catch (org.conch.feed.FeedException e) {
                throw new RoomService.RoomException(room.refuse(origin, "tunnel.connect: target is not a feed id"));
            }
            return room.connect(origin, targetId, stream);
        });
        return registry;
    }

    /**
     * {@code room.registerAlias(alias, signature)} and {@code room.revokeAlias(alias)} for members (rooms 2
     * "Aliases"; not in a restricted room); list {@code "alias"} in the features given to {@link #register}.
     */
    public static MethodRegistry registerAliases(MethodRegistry registry, RoomService room, AliasDirectory aliases) {
        registry.async("room.registerAlias", Access.ANYONE, (context, args) -> {
            RoomService.Peer member = internal(room, context);
            String alias = args.size() > 0 && args.get(0) instanceof String text ? text : null;
            String signature = args.size() > 1 && args.get(1) instanceof String text ? text : null;
            AliasRegistration.check(room.roomId(), member.id(), alias, signature);
            return aliases.register(member.id(), alias, signature);
        });
        registry.async("room.revokeAlias", Access.ANYONE, (context, args) -> {
            RoomService.Peer member = internal(room, context);
            if (args.isEmpty() || !(args.get(0) instanceof String alias)) {
                throw new RoomService.RoomException("room.revokeAlias needs the alias");
            }
            return aliases.revoke(member.id(), alias);
        });
        return registry;
    }

    private static Map<String, Object> metadata(RoomService room, CallContext context, List<String> extraFeatures) {
        FeedId caller = FeedId.parse(context.caller().peerId());
        List<Object> features = new ArrayList<>();
        features.add("tunnel");
        if (room.config().mode() == PrivacyMode.OPEN) features.add("room1");
        features.add("room2");
        features.addAll(extraFeatures);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", room.config().name());
        metadata.put("membership", room.isMember(caller));
        metadata.put("features", features);
        return metadata;
    }

    private static StreamListener subscribe(RoomService room, CallContext context, Substream stream, boolean endpoints) {
        RoomService.Peer peer = internal(room, context);
        room.attend(peer, stream, endpoints).whenComplete((done, error) -> {
            if (error != null) peer.context.execute(() -> stream.error(rootMessage(error)));
        });
        return new StreamListener() {
            @Override
            public void onItem(Substream s, Object item) {
                // subscribers send nothing
            }

            @Override
            public void onEnd(Substream s, GossipException error) {
                room.unsubscribe(stream);
            }
        };
    }

    private static RoomService.Peer peer(RoomService room, CallContext context) {
        RoomService.Peer peer = room.peer(context.session());
        if (peer == null) throw new RoomService.RoomException("this connection is not attached to the room");
        return peer;
    }

    /** The caller's connection, when the caller may attend. */
    private static RoomService.Peer internal(RoomService room, CallContext context) {
        RoomService.Peer peer = peer(room, context);
        if (!room.isInternal(peer.id())) {
            throw new RoomService.RoomException(room.refuse(peer, "not a member of this room"));
        }
        return peer;
    }

    private static String rootMessage(Throwable error) {
        Throwable cause = error;
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) cause = cause.getCause();
        return cause.getMessage() == null ? cause.toString() : cause.getMessage();
    }
}
