package org.conch.gossip.muxrpc;

/**
 * Where an {@link RpcSession} puts its outgoing packets, and the flow-control hooks of the transport
 * under it (a Vert.x adapter maps them to {@code writeQueueFull}, {@code pause} and {@code resume} of
 * its socket). Only {@link #send} is required, so a lambda will do in tests.
 */
@FunctionalInterface
public interface PacketSink {
    /** Queue one packet for the peer. Must not block. */
    void send(Packet packet);

    /** True while the transport's write queue is full; producers should wait for a drain. */
    default boolean writeQueueFull() {
        return false;
    }

    /** Some stream's consumer paused: stop reading from the peer until {@link #resumeReading()}. */
    default void pauseReading() {
    }

    /** No consumer is paused any more. */
    default void resumeReading() {
    }
}
