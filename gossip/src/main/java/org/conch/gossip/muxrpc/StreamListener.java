package org.conch.gossip.muxrpc;

/**
 * Receives the other side's half of a stream: its items, then exactly one end.
 * Called on the connection's thread, never concurrently.
 */
public interface StreamListener {
    /** One data packet's value: a JSON value (see {@link Packet#value()}), a String or a byte[]. */
    void onItem(Substream stream, Object item);

    /**
     * The other side ended its half: {@code error} is null for a normal end ({@code true}), a
     * {@link RemoteCallException} for an error end, or a {@link MuxrpcException} when the connection
     * closed under the stream. Unless this method ended the local half itself, the session answers the
     * end with its own end right after this returns.
     */
    default void onEnd(Substream stream, org.conch.gossip.GossipException error) {
    }

    /** A listener that drops items: for source handlers, which only write. */
    StreamListener IGNORE = (stream, item) -> { };
}
