package org.conch.gossip.room;

import org.conch.gossip.GossipException;
import org.conch.gossip.muxrpc.StreamListener;
import org.conch.gossip.muxrpc.Substream;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One tunnel: the origin's {@code tunnel.connect} stream joined to a {@code tunnel.connect} the room opens on
 * the target, {@code {portal, target, origin}}. Items (the attendants' own box-stream bytes) are copied
 * as they are, each direction by a {@link Pump}. Each stream is used on its own connection's thread only.
 */
final class Tunnel {
    /** Bytes of one direction that may wait unwritten before its sender is paused. */
    static final long WINDOW_BYTES = 256 * 1024;

    private final RoomService room;
    private final RoomService.Peer origin;
    private final RoomService.Peer target;
    private final Substream fromOrigin;
    /** The room's stream to the target; on the target's thread only. */
    private Substream toTarget;
    /** The origin ended before the target's stream opened; on the target's thread only. */
    private GossipException originEnd;
    private boolean originEnded;
    private final AtomicBoolean finished = new AtomicBoolean();
    private final Pump originToTarget;
    private final Pump targetToOrigin;

    Tunnel(RoomService room, RoomService.Peer origin, RoomService.Peer target, Substream fromOrigin) {
        this.room = room;
        this.origin = origin;
        this.target = target;
        this.fromOrigin = fromOrigin;
        this.originToTarget = new Pump(origin, target, () -> toTarget);
        this.targetToOrigin = new Pump(target, origin, () -> fromOrigin);
    }

    /** Asks the target to accept the tunnel; returns the listener for the origin's items. */
    StreamListener open() {
        room.tunnelOpened();
        originToTarget.source = fromOrigin;
        target.context.execute(this::openOnTarget);
        return new StreamListener() {
            @Override
            public void onItem(Substream stream, Object item) {
                originToTarget.take(item);
            }

            @Override
            public void onEnd(Substream stream, GossipException error) {
                target.context.execute(() -> {
                    endTarget(error);
                    targetToOrigin.stop();
                });
                finish();
            }
        };
    }

    private void openOnTarget() {
        if (target.session.isClosed()) {
            origin.context.execute(() -> fromOrigin.error("could not connect to: " + target.id));
            finish();
            return;
        }
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("portal", room.roomId().toString());
        options.put("target", target.id.toString());
        options.put("origin", origin.id.toString());
        toTarget = target.session.duplex("tunnel.connect", List.of(options), new StreamListener() {
            @Override
            public void onItem(Substream stream, Object item) {
                targetToOrigin.take(item);
            }

            @Override
            public void onEnd(Substream stream, GossipException error) {
                origin.context.execute(() -> {
                    if (error == null) fromOrigin.end();
                    else fromOrigin.error(error.getMessage());
                    originToTarget.stop();
                });
                finish();
            }
        });
        targetToOrigin.source = toTarget;
        if (originEnded) endTarget(originEnd);
    }

    private void endTarget(GossipException error) {
        if (toTarget == null) { // still opening: ended as soon as it is open
            originEnded = true;
            originEnd = error;
            return;
        }
        if (error == null) toTarget.end();
        else toTarget.error(error.getMessage());
    }

    private void finish() {
        if (finished.compareAndSet(false, true)) {
            origin.tunnels.decrementAndGet();
            room.tunnelClosed();
        }
    }

    /**
     * One direction: takes items on the sender's thread and writes them on the receiver's. Counts what is on
     * its way (paused over {@link #WINDOW_BYTES}, until the receiver's socket has taken it), spends a token
     * bucket of the room's bytes a second (paused while it is empty), and cuts a receiver that leaves its
     * write queue full for longer than the stall timeout.
     */
    private final class Pump {
        private final RoomService.Peer from;
        private final RoomService.Peer to;
        private final java.util.function.Supplier<Substream> destination;
        /** The stream items come from; on the sender's thread. */
        Substream source;
        // ---- the sender's thread
        private long inFlight;
        private double tokens;
        private long refilledAt;
        private boolean pausedForWindow;
        private boolean pausedForRate;
        /** The other side ended: what still comes is dropped and the sender is never paused again. */
        private boolean stopped;
        // ---- the receiver's thread
        private long unacknowledged;
        private boolean waitingForDrain;
        private int drainEpisode;

        Pump(RoomService.Peer from, RoomService.Peer to, java.util.function.Supplier<Substream> destination) {
            this.from = from;
            this.to = to;
            this.destination = destination;
            this.tokens = room.config().tunnelBytesPerSecond();
            this.refilledAt = room.nanoClock().getAsLong();
        }

        /** The tunnel is over: lets the sender's connection be read again (its end must get through). */
        void stop() {
            stopped = true;
            pausedForWindow = false;
            pausedForRate = false;
            applyPause();
        }

        void take(Object item) {
            if (stopped) return;
            long size = sizeOf(item);
            inFlight += size;
            refill();
            tokens -= size;
            to.context.execute(() -> deliver(item, size));
            if (inFlight > WINDOW_BYTES && !pausedForWindow) {
                pausedForWindow = true;
                applyPause();
            }
            if (tokens < 0 && !pausedForRate) {
                pausedForRate = true;
                applyPause();
                waitForTokens();
            }
        }

        private void refill() {
            long now = room.nanoClock().getAsLong();
            long rate = room.config().tunnelBytesPerSecond();
            tokens = Math.min(rate, tokens + (now - refilledAt) / 1e9 * rate);
            refilledAt = now;
        }

        private void waitForTokens() {
            long millis = Math.max(1, (long) Math.ceil(-tokens * 1000 / room.config().tunnelBytesPerSecond()));
            room.timers().after(millis, () -> from.context.execute(() -> {
                if (stopped) return;
                refill();
                if (tokens < 0) {
                    waitForTokens();
                    return;
                }
                pausedForRate = false;
                applyPause();
            }));
        }

        private void applyPause() {
            if (source == null) return;
            if (pausedForWindow || pausedForRate) source.pause();
            else source.resume();
        }

        private void acknowledge(long size) {
            inFlight -= size;
            if (stopped) return;
            if (pausedForWindow && inFlight <= WINDOW_BYTES / 2) {
                pausedForWindow = false;
                applyPause();
            }
        }

        // ---- on the receiver's thread

        private void deliver(Object item, long size) {
            Substream out = destination.get();
            if (out == null || out.isLocalEnded()) {
                from.context.execute(() -> acknowledge(size));
                return;
            }
            out.write(item);
            if (!out.writeQueueFull() && !waitingForDrain) {
                from.context.execute(() -> acknowledge(size));
                return;
            }
            unacknowledged += size;
            if (waitingForDrain) return;
            waitingForDrain = true;
            int episode = ++drainEpisode;
            out.drainHandler(() -> {
                waitingForDrain = false;
                long drained = unacknowledged;
                unacknowledged = 0;
                from.context.execute(() -> acknowledge(drained));
            });
            long stallMillis = room.config().stallTimeout().toMillis();
            room.timers().after(stallMillis, () -> to.context.execute(() -> {
                if (waitingForDrain && drainEpisode == episode && !out.isClosed()) {
                    to.cut("left tunnel bytes unread for " + stallMillis + " ms");
                }
            }));
        }
    }

    private static long sizeOf(Object item) {
        if (item instanceof byte[] bytes) return bytes.length;
        if (item instanceof String text) return text.length();
        return 64;
    }

}
