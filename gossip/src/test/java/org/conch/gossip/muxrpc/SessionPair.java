package org.conch.gossip.muxrpc;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Two sessions back to back in memory, like two event loops joined by a socket: what one sends is
 * encoded, queued, and on {@link #pump()} cut into odd-sized chunks and decoded for the other.
 * Nothing is delivered re-entrantly inside a send.
 */
public final class SessionPair {
    public final class Side implements PacketSink {
        final String name;
        public final List<Packet> sent = new ArrayList<>();
        final ArrayDeque<byte[]> inbox = new ArrayDeque<>();
        final PacketDecoder decoder = new PacketDecoder();
        public RpcSession session;
        Side peer;
        public boolean readingPaused;
        int pauses;
        int resumes;
        public boolean queueFull;

        Side(String name) {
            this.name = name;
        }

        @Override
        public void send(Packet packet) {
            sent.add(packet);
            peer.inbox.add(PacketCodec.encode(packet));
        }

        @Override
        public boolean writeQueueFull() {
            return queueFull;
        }

        @Override
        public void pauseReading() {
            readingPaused = true;
            pauses++;
        }

        @Override
        public void resumeReading() {
            readingPaused = false;
            resumes++;
        }

        /** Delivers one queued chunk in two odd pieces; false when there was nothing to deliver. */
        boolean step() {
            if (readingPaused || inbox.isEmpty()) {
                return false;
            }
            byte[] chunk = inbox.poll();
            int cut = Math.min(chunk.length, 5);
            session.receive(decoder.feed(chunk, 0, cut));
            session.receive(decoder.feed(chunk, cut, chunk.length - cut));
            return true;
        }

        /** Packets sent with the end flag for that wire request number. */
        long endsSentFor(int wireRequest) {
            return sent.stream().filter(p -> p.end() && p.request() == wireRequest).count();
        }
    }

    public final Side a = new Side("a");
    public final Side b = new Side("b");

    public SessionPair(MethodRegistry registryOfA, Caller callerSeenByA, RpcSession.Options optionsOfA,
                MethodRegistry registryOfB, Caller callerSeenByB, RpcSession.Options optionsOfB) {
        a.peer = b;
        b.peer = a;
        a.session = new RpcSession(registryOfA, callerSeenByA, a, optionsOfA);
        b.session = new RpcSession(registryOfB, callerSeenByB, b, optionsOfB);
    }

    /** A calls B, an anonymous peer to B; B serves {@code registry}. */
    static SessionPair serving(MethodRegistry registry) {
        return serving(registry, RpcSession.Options.defaults());
    }

    static SessionPair serving(MethodRegistry registry, RpcSession.Options optionsOfB) {
        return new SessionPair(new MethodRegistry(), Caller.anonymous("@b"), RpcSession.Options.defaults(),
                registry, Caller.anonymous("@a"), optionsOfB);
    }

    /** Delivers until both directions are quiet (or paused). */
    public void pump() {
        int steps = 0;
        while (a.step() | b.step()) {
            if (++steps > 1_000_000) {
                throw new AssertionError("sessions keep talking");
            }
        }
    }
}
