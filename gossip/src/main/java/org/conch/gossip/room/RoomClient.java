package org.conch.gossip.room;

import org.conch.feed.FeedId;
import org.conch.gossip.GossipException;
import org.conch.gossip.muxrpc.CallContext;
import org.conch.gossip.muxrpc.RpcSession;
import org.conch.gossip.muxrpc.StreamListener;
import org.conch.gossip.muxrpc.Substream;
import org.conch.gossip.net.GossipNode;
import org.conch.gossip.net.PeerConnection;
import org.conch.gossip.net.TunnelTransport;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * This peer as a client of the rooms it dials: asks each peer it dials {@code tunnel.isRoom}; in a room, attends
 * it and follows who else attends (rooms 2: {@code room.attendants}, state then joined / left; rooms 1 such as
 * ssb-room 1.x: {@code tunnel.announce}, then {@code tunnel.endpoints}, the whole list at each change), and opens a
 * tunnel ({@code tunnel.connect {portal, target}}) to each attendant it {@code wants} that it is not connected to
 * yet. The tunnels others open to us arrive as {@code tunnel.connect {portal, target, origin}} calls of the room,
 * answered by {@link #answer}. Inside a tunnel the connection is an ordinary one of the {@link GossipNode}.
 *
 * <p>Each room's state is used on its connection's context; {@link #rooms()} may be read from anywhere.
 */
public final class RoomClient {
    private static final Logger LOG = LoggerFactory.getLogger(RoomClient.class);
    /** An attendant whose tunnel failed is not tried again for this long (it may not take tunnels at all). */
    private static final long RETRY_AFTER_FAILURE_NANOS = 60_000_000_000L;
    /** A room is pinged this often: secret-stack rooms cut a connection idle for 10 minutes. */
    private static final long PING_INTERVAL_NANOS = 60_000_000_000L;

    private final GossipNode node;
    private final Predicate<FeedId> wants;
    private final Map<FeedId, Attended> rooms = new ConcurrentHashMap<>();

    /** One room we attend, through the connection we dialled. */
    private final class Attended {
        final FeedId id;
        final PeerConnection connection;
        final boolean rooms2;
        final String name;
        final Set<FeedId> attendants = ConcurrentHashMap.newKeySet();
        /** Attendants we are opening a tunnel to, or have one open with; on the connection's context. */
        final Set<FeedId> tunnelling = new HashSet<>();
        /** When the last failed tunnel of an attendant failed (System.nanoTime); on the connection's context. */
        final Map<FeedId, Long> failedAt = new HashMap<>();
        /** When we last pinged the room (System.nanoTime); on the connection's context. */
        long pingedAt = System.nanoTime();

        Attended(FeedId id, PeerConnection connection, boolean rooms2, String name) {
            this.id = id;
            this.connection = connection;
            this.rooms2 = rooms2;
            this.name = name;
        }
    }

    /** {@code wants}: the attendants worth a tunnel (those within our hops). */
    public RoomClient(GossipNode node, Predicate<FeedId> wants) {
        this.node = node;
        this.wants = wants;
    }

    /** Asks a peer we dialled whether it is a room, and attends it if so. Call on the connection's context. */
    public void probe(PeerConnection connection) {
        if (!connection.isClient() || connection.isTunnel()) {
            return;
        }
        RpcSession session = connection.session();
        session.async("tunnel.isRoom", List.of()).whenComplete((answer, error) -> connection.runOnContext(() -> {
            // rooms 2 and conch answer {name, membership, features}; ssb-room 1 true or {name, description}; others fail
            if (error != null || answer == null || Boolean.FALSE.equals(answer) || !connection.isOpen()) {
                return;
            }
            Map<?, ?> metadata = answer instanceof Map<?, ?> map ? map : Map.of();
            boolean rooms2 = metadata.get("features") instanceof List<?> features && features.contains("room2");
            String name = metadata.get("name") instanceof String text ? text : null;
            attend(new Attended(connection.remoteId(), connection, rooms2, name));
        }));
    }

    private void attend(Attended room) {
        rooms.put(room.id, room);
        room.connection.closeFuture().onComplete(closed -> rooms.remove(room.id, room));
        RpcSession session = room.connection.session();
        LOG.atInfo().addKeyValue("peer", room.id).log("attending the room {}{} (rooms {})", room.id,
                room.name == null ? "" : " \"" + room.name + "\"", room.rooms2 ? 2 : 1);
        if (room.rooms2) {
            session.source("room.attendants", List.of(), new Subscription(room, (stream, item) -> {
                if (item instanceof Map<?, ?> event) onAttendantsEvent(room, event);
            }));
        } else {
            // ssb-room 1.x takes announce as "reach me here" and also counts an endpoints subscriber as attending
            session.async("tunnel.announce", List.of());
            session.source("tunnel.endpoints", List.of(), new Subscription(room, (stream, item) -> {
                if (item instanceof List<?> ids) replaceAttendants(room, ids);
            }));
        }
    }

    /** The attendants stream of a room; when the room ends it (a community room's "not a member"), we attend no more. */
    private final class Subscription implements StreamListener {
        private final Attended room;
        private final StreamListener items;

        Subscription(Attended room, StreamListener items) {
            this.room = room;
            this.items = items;
        }

        @Override
        public void onItem(Substream stream, Object item) {
            items.onItem(stream, item);
        }

        @Override
        public void onEnd(Substream stream, GossipException error) {
            if (!room.connection.isOpen()) return;
            rooms.remove(room.id, room);
            LOG.atInfo().addKeyValue("peer", room.id).addKeyValue("reason", error == null ? "ended" : error.getMessage())
                    .log("no longer attending the room {}: it ended the attendants stream ({})", room.id,
                            error == null ? "ended" : error.getMessage());
        }
    }

    private void onAttendantsEvent(Attended room, Map<?, ?> event) {
        Object type = event.get("type");
        if ("state".equals(type) && event.get("ids") instanceof List<?> ids) {
            replaceAttendants(room, ids);
        } else if ("joined".equals(type) && event.get("id") instanceof String id) {
            FeedId.tryParse(id).ifPresent(room.attendants::add);
            openTunnels(room);
        } else if ("left".equals(type) && event.get("id") instanceof String id) {
            FeedId.tryParse(id).ifPresent(room.attendants::remove);
        }
    }

    private void replaceAttendants(Attended room, List<?> ids) {
        Set<FeedId> now = new HashSet<>();
        for (Object id : ids) {
            if (id instanceof String text) FeedId.tryParse(text).ifPresent(now::add);
        }
        room.attendants.retainAll(now);
        room.attendants.addAll(now);
        openTunnels(room);
    }

    /** Looks again at every room's attendants (after a follow, or a tunnel that failed), and pings idle rooms. Any thread. */
    public void reconsider() {
        for (Attended room : rooms.values()) {
            room.connection.runOnContext(() -> {
                openTunnels(room);
                if (System.nanoTime() - room.pingedAt > PING_INTERVAL_NANOS && room.connection.isOpen()) {
                    room.pingedAt = System.nanoTime();
                    room.connection.session().async("tunnel.ping", List.of()); // its answer only keeps the connection busy
                }
            });
        }
    }

    private void openTunnels(Attended room) {
        for (FeedId attendant : room.attendants) {
            Long failed = room.failedAt.get(attendant);
            boolean resting = failed != null && System.nanoTime() - failed < RETRY_AFTER_FAILURE_NANOS;
            if (!attendant.equals(node.id()) && !attendant.equals(room.id) && !room.tunnelling.contains(attendant)
                    && !resting && wants.test(attendant) && connectionTo(attendant) == null) {
                openTunnel(room, attendant); // its outcome is logged; a failed one is tried again at the next change
            }
        }
    }

    private PeerConnection connectionTo(FeedId peer) {
        for (PeerConnection connection : node.connections()) {
            if (peer.equals(connection.remoteId())) return connection;
        }
        return null;
    }

    private Future<PeerConnection> openTunnel(Attended room, FeedId target) {
        if (!room.connection.isOpen()) {
            return Future.failedFuture(new GossipException("the connection to the room " + room.id + " closed"));
        }
        TunnelAddress address = new TunnelAddress(room.id, target);
        room.tunnelling.add(target);
        TunnelTransport tunnel = new TunnelTransport(address.withoutKey());
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("portal", room.id.toString());
        options.put("target", target.toString());
        try {
            tunnel.attach(room.connection.session().duplex("tunnel.connect", List.of(options), tunnel));
        } catch (GossipException e) {
            room.tunnelling.remove(target);
            return Future.failedFuture(e);
        }
        return node.dialTunnel(tunnel, target).onComplete(result -> {
            if (result.succeeded()) {
                room.failedAt.remove(target);
                LOG.atInfo().addKeyValue("peer", target).addKeyValue("address", address.withoutKey())
                        .log("connected to {} through the room {}", target, room.id);
                result.result().closeFuture().onComplete(closed -> room.tunnelling.remove(target));
            } else {
                room.tunnelling.remove(target);
                room.failedAt.put(target, System.nanoTime());
                LOG.atInfo().addKeyValue("peer", target).addKeyValue("address", address.withoutKey())
                        .addKeyValue("reason", result.cause().getMessage())
                        .log("could not connect to {} through the room {}: {}", target, room.id, result.cause().getMessage());
            }
        });
    }

    /**
     * Opens a tunnel to {@code address}'s target through its room, which we must be attending, whether or not the
     * target is within our hops. Any thread; completes with the connection once its handshake is done.
     */
    public Future<PeerConnection> connect(TunnelAddress address) {
        Attended room = rooms.get(address.room());
        if (room == null) {
            return Future.failedFuture(new GossipException("not attending the room " + address.room()
                    + ": connect to the room's own address first"));
        }
        PeerConnection already = connectionTo(address.target());
        if (already != null) {
            return Future.succeededFuture(already);
        }
        Promise<PeerConnection> connected = Promise.promise();
        room.connection.runOnContext(() -> openTunnel(room, address.target()).onComplete(connected));
        return connected.future();
    }

    /**
     * A room's {@code tunnel.connect {portal, target, origin}}: another attendant, {@code origin}, dials us through a
     * room we attend. Answered with the secret handshake as server inside the stream, which must prove {@code origin}'s
     * key; refused from anyone else.
     */
    public StreamListener answer(CallContext context, List<Object> args, Substream stream) {
        Map<?, ?> options = !args.isEmpty() && args.get(0) instanceof Map<?, ?> map ? map : Map.of();
        FeedId caller = FeedId.tryParse(context.caller().peerId()).orElse(null);
        Attended room = caller == null ? null : rooms.get(caller);
        FeedId origin = options.get("origin") instanceof String text ? FeedId.tryParse(text).orElse(null) : null;
        boolean forUs = options.get("target") instanceof String target && target.equals(node.id().toString());
        if (room == null || room.connection.session() != context.session() || origin == null || !forUs) {
            throw new GossipException("could not connect to " + options.get("target"));
        }
        TunnelTransport tunnel = new TunnelTransport(new TunnelAddress(room.id, origin).withoutKey()).attach(stream);
        node.acceptTunnel(tunnel, origin).onComplete(result -> {
            if (result.succeeded()) {
                LOG.atInfo().addKeyValue("peer", origin).log("{} connected to us through the room {}", origin, room.id);
            }
        });
        return tunnel;
    }

    /** The rooms attended: {@code {room, name, protocol, attendants: [{id, connected}]}} each. Any thread. */
    public List<Map<String, Object>> rooms() {
        Set<FeedId> connected = new HashSet<>();
        for (PeerConnection connection : node.connections()) {
            if (connection.remoteId() != null) connected.add(connection.remoteId());
        }
        List<Map<String, Object>> list = new ArrayList<>();
        for (Attended room : rooms.values()) {
            Map<String, Object> about = new LinkedHashMap<>();
            about.put("room", room.id.toString());
            if (room.name != null) about.put("name", room.name);
            about.put("protocol", room.rooms2 ? "rooms2" : "rooms1");
            List<Object> attendants = new ArrayList<>();
            for (FeedId attendant : sorted(room.attendants)) {
                if (attendant.equals(node.id()) || attendant.equals(room.id)) continue;
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("id", attendant.toString());
                one.put("connected", connected.contains(attendant));
                attendants.add(one);
            }
            about.put("attendants", attendants);
            list.add(about);
        }
        return list;
    }

    /** The attendants of {@code room} seen last, or none when we do not attend it. */
    public Set<FeedId> attendants(FeedId room) {
        Attended attended = rooms.get(room);
        return attended == null ? Set.of() : Set.copyOf(attended.attendants);
    }

    private static List<FeedId> sorted(Collection<FeedId> ids) {
        List<FeedId> list = new ArrayList<>(ids);
        list.sort(Comparator.comparing(FeedId::toString));
        return list;
    }
}
