package org.conch.gossip.room;

import org.conch.feed.FeedId;
import org.conch.gossip.GossipException;
import org.conch.gossip.SerialExecutor;
import org.conch.gossip.muxrpc.RpcSession;
import org.conch.gossip.muxrpc.StreamListener;
import org.conch.gossip.muxrpc.Substream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * A room server (rooms 2): who is attending, the {@code room.attendants} and {@code tunnel.endpoints}
 * subscribers, and the tunnels relayed between attendants. Each connection is attached with the executor of
 * its own thread (its event loop); a connection's streams are used there only. The attendant list lives on a
 * serial executor, so that every subscriber sees the state first and then each join and leave in order.
 *
 * <p>The room never looks inside a tunnel: it copies each item of one attendant's {@code tunnel.connect}
 * stream to the other's, with backpressure (a sender is paused while {@value Tunnel#WINDOW_BYTES} bytes wait
 * unwritten), a rate limit per direction, and a stall timeout after which a peer that leaves its tunnel bytes
 * unread is cut. Refusals (limits, tunnels to oneself, non-members) are answered with an error and logged one
 * line each; a peer refused more than {@value #MAX_REFUSALS} times is cut.
 */
public final class RoomService {
    private static final Logger LOG = LoggerFactory.getLogger(RoomService.class);
    /** Refusals one connection may collect before the room takes it for hostile and cuts it. */
    static final int MAX_REFUSALS = 32;

    /** Runs a task later; the server passes its event loop's timers. */
    @FunctionalInterface
    public interface Timers {
        void after(long millis, Runnable task);
    }

    private final FeedId roomId;
    private final RoomConfig config;
    private final Predicate<FeedId> members;
    private final Timers timers;
    private final LongSupplier nanoClock;
    private final Map<RpcSession, Peer> peers = new ConcurrentHashMap<>();
    /** Attendants by id; written on {@link #serial} only, read anywhere. */
    private final Map<FeedId, Peer> attending = new ConcurrentHashMap<>();
    private final SerialExecutor serial = new SerialExecutor(Runnable::run);
    /** In joining order; on {@link #serial} only. */
    private final LinkedHashMap<FeedId, Peer> attendantOrder = new LinkedHashMap<>();
    private final List<Subscriber> subscribers = new ArrayList<>();
    private final AtomicInteger openTunnels = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong refusals = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param members   who is a member (an internal user in community and restricted rooms)
     * @param nanoClock {@link System#nanoTime} but for tests
     */
    public RoomService(FeedId roomId, RoomConfig config, Predicate<FeedId> members, Timers timers, LongSupplier nanoClock) {
        this.roomId = Objects.requireNonNull(roomId, "roomId");
        this.config = Objects.requireNonNull(config, "config");
        this.members = Objects.requireNonNull(members, "members");
        this.timers = Objects.requireNonNull(timers, "timers");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    public FeedId roomId() {
        return roomId;
    }

    public RoomConfig config() {
        return config;
    }

    /** Whether {@code feed} may attend: everyone in an open room, members otherwise. */
    public boolean isInternal(FeedId feed) {
        return config.mode() == PrivacyMode.OPEN || members.test(feed);
    }

    public boolean isMember(FeedId feed) {
        return members.test(feed);
    }

    /** Whether the secret handshake should admit {@code feed}: a restricted room admits its members only. */
    public boolean admits(FeedId feed) {
        return config.mode() != PrivacyMode.RESTRICTED || members.test(feed);
    }

    /** Tunnels relayed now, for metrics. */
    public int openTunnels() {
        return openTunnels.get();
    }

    /** Calls refused since start (limits, tunnels to oneself, non-members), for metrics. */
    public long refusals() {
        return refusals.get();
    }

    void tunnelOpened() {
        openTunnels.incrementAndGet();
    }

    void tunnelClosed() {
        openTunnels.decrementAndGet();
    }

    /** The attendants now, in joining order. */
    public List<FeedId> attendants() {
        List<FeedId> ids = new ArrayList<>(attending.keySet());
        ids.sort((a, b) -> Long.compare(attending.get(a) == null ? 0 : attending.get(a).joinedAt,
                attending.get(b) == null ? 0 : attending.get(b).joinedAt));
        return ids;
    }

    /**
     * Attaches a connection once its handshake is done.
     *
     * @param context where the connection's session may be used (its event loop)
     * @param cut     closes the connection, for the reason given
     */
    public Peer attach(RpcSession session, FeedId id, Executor context, Consumer<String> cut) {
        Peer peer = new Peer(session, id, context, cut);
        peers.put(session, peer);
        return peer;
    }

    /** The attached connection of {@code session}, or null. */
    Peer peer(RpcSession session) {
        return peers.get(session);
    }

    /** One connection to the room. */
    public final class Peer implements AutoCloseable {
        final RpcSession session;
        final FeedId id;
        final Executor context;
        private final Consumer<String> cut;
        final AtomicInteger tunnels = new AtomicInteger();
        private final AtomicInteger refusals = new AtomicInteger();
        volatile long joinedAt;

        private Peer(RpcSession session, FeedId id, Executor context, Consumer<String> cut) {
            this.session = session;
            this.id = id;
            this.context = context;
            this.cut = cut;
        }

        public FeedId id() {
            return id;
        }

        /** Open tunnels this peer asked for. */
        public int tunnels() {
            return tunnels.get();
        }

        void cut(String reason) {
            LOG.atWarn().addKeyValue("peer", id).addKeyValue("reason", reason).log("room cut {}: {}", id, reason);
            cut.accept(reason);
        }

        /** The connection closed: it leaves the room. */
        @Override
        public void close() {
            peers.remove(session, this);
            serial.execute(() -> leave(this));
        }
    }

    // ------------------------------------------------------------------ refusals

    /** Logs one line for the refusal, cuts a peer that collected too many, and returns the text for the error. */
    String refuse(Peer peer, String reason) {
        refusals.incrementAndGet();
        int refusals = peer.refusals.incrementAndGet();
        if (refusals <= MAX_REFUSALS) {
            LOG.atWarn().addKeyValue("peer", peer.id).addKeyValue("reason", reason).log("room refused {}: {}", peer.id, reason);
        } else if (refusals == MAX_REFUSALS + 1) { // what it still asks while the cut takes effect is not logged
            peer.cut("refused " + MAX_REFUSALS + " times; taken for hostile, last for: " + reason);
        }
        return reason;
    }

    // ------------------------------------------------------------------ attendants

    /** A {@code room.attendants} (events) or {@code tunnel.endpoints} (whole lists) stream. */
    private record Subscriber(Peer peer, Substream stream, boolean endpoints) {
    }

    /**
     * Makes {@code peer} an attendant (if it is not one already) and, with {@code stream}, subscribes it to
     * the changes. Fails with a {@link RoomException} when the room is full.
     */
    java.util.concurrent.CompletableFuture<Void> attend(Peer peer, Substream stream, boolean endpoints) {
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        serial.execute(() -> {
            if (!peers.containsKey(peer.session)) { // it closed already
                done.completeExceptionally(new RoomException("the connection closed"));
                return;
            }
            Peer present = attendantOrder.get(peer.id);
            if (present == null) {
                if (attendantOrder.size() >= config.maxAttendants()) {
                    done.completeExceptionally(new RoomException(refuse(peer, "the room is full ("
                            + config.maxAttendants() + " attendants, maxAttendants)")));
                    return;
                }
                peer.joinedAt = nanoClock.getAsLong();
                attendantOrder.put(peer.id, peer);
                attending.put(peer.id, peer);
                publish(Map.of("type", "joined", "id", peer.id.toString()), peer);
            } else if (present != peer) { // a newer connection of the same key takes over, still online
                peer.joinedAt = present.joinedAt;
                attendantOrder.put(peer.id, peer);
                attending.put(peer.id, peer);
            }
            if (stream != null) {
                subscribers.add(new Subscriber(peer, stream, endpoints));
                Object first = endpoints ? ids() : state();
                peer.context.execute(() -> stream.write(first));
            }
            done.complete(null);
        });
        return done;
    }

    /** {@code tunnel.leave}, or the connection went away. */
    void leave(Peer peer) {
        subscribers.removeIf(s -> s.peer == peer);
        if (attendantOrder.get(peer.id) != peer) return;
        attendantOrder.remove(peer.id);
        attending.remove(peer.id, peer);
        publish(Map.of("type", "left", "id", peer.id.toString()), null);
    }

    /** {@code tunnel.leave}: the peer stays connected but is no longer an attendant. */
    void leaveLater(Peer peer) {
        serial.execute(() -> leave(peer));
    }

    void unsubscribe(Substream stream) {
        serial.execute(() -> subscribers.removeIf(s -> s.stream == stream));
    }

    private Map<String, Object> state() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("type", "state");
        state.put("ids", ids());
        return state;
    }

    private List<Object> ids() {
        List<Object> ids = new ArrayList<>();
        for (FeedId id : attendantOrder.keySet()) ids.add(id.toString());
        return ids;
    }

    /** Sends an event to every subscriber but {@code except} (who knows it joined); endpoint streams get the list. */
    private void publish(Map<String, Object> event, Peer except) {
        List<Object> list = ids();
        for (Subscriber subscriber : subscribers) {
            if (subscriber.peer == except && !subscriber.endpoints) continue;
            Object item = subscriber.endpoints ? list : event;
            subscriber.peer.context.execute(() -> subscriber.stream.write(item));
        }
    }

    // ------------------------------------------------------------------ tunnels

    /**
     * Opens a tunnel from {@code origin} (whose {@code tunnel.connect} stream is {@code fromOrigin}) to the
     * attendant {@code target}; returns the listener of the origin's stream, or throws the refusal.
     */
    StreamListener connect(Peer origin, FeedId target, Substream fromOrigin) {
        if (target.equals(origin.id)) {
            throw new RoomException(refuse(origin, "a tunnel to oneself (" + target + ") is refused"));
        }
        Peer destination = attending.get(target);
        if (destination == null) {
            throw new RoomException("could not connect to: " + target); // ssb-room's text; the target is simply away
        }
        if (origin.tunnels.incrementAndGet() > config.maxTunnelsPerAttendant()) {
            origin.tunnels.decrementAndGet();
            throw new RoomException(refuse(origin, "too many tunnels open (" + config.maxTunnelsPerAttendant()
                    + ", maxTunnelsPerAttendant)"));
        }
        Tunnel tunnel = new Tunnel(this, origin, destination, fromOrigin);
        return tunnel.open();
    }

    Timers timers() {
        return timers;
    }

    LongSupplier nanoClock() {
        return nanoClock;
    }

    /** Why a call to the room was refused; the caller gets the message as its error. */
    public static final class RoomException extends GossipException {
        public RoomException(String message) {
            super(message);
        }
    }
}
