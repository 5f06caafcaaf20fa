package org.conch.gossip.muxrpc;

/**
 * The packet-stream-codec wire format: a 9-byte header
 * {@code flags(1) ‖ body length (uint32 BE) ‖ request number (int32 BE)} followed by the body.
 * A header of nine zero bytes (any header whose length is 0, to the JS decoder) is the goodbye.
 * Stateless; decoding is {@link PacketDecoder}'s job.
 */
public final class PacketCodec {
    /** Bytes in a header. */
    public static final int HEADER_SIZE = 9;
    /** The body limit a decoder has unless told otherwise: 1 MiB. */
    public static final int DEFAULT_MAX_BODY_SIZE = 1 << 20;

    private PacketCodec() {
    }

    /** Header and body in one array. */
    public static byte[] encode(Packet packet) {
        byte[] body = packet.body();
        byte[] out = new byte[HEADER_SIZE + body.length];
        writeHeader(packet, out, 0);
        System.arraycopy(body, 0, out, HEADER_SIZE, body.length);
        return out;
    }

    /** The 9 header bytes alone, for transports that write the body without copying it. */
    public static byte[] header(Packet packet) {
        byte[] out = new byte[HEADER_SIZE];
        writeHeader(packet, out, 0);
        return out;
    }

    /** Writes the header of {@code packet} into {@code out} at {@code offset}. */
    public static void writeHeader(Packet packet, byte[] out, int offset) {
        int length = packet.body().length;
        if (length == 0) {
            // Packet refuses empty bodies; this guards the wire all the same.
            throw new MuxrpcException("refusing to encode a zero-length body: it reads as goodbye");
        }
        out[offset] = (byte) packet.flags();
        writeInt(out, offset + 1, length);
        writeInt(out, offset + 5, packet.request());
    }

    /** The goodbye: nine zero bytes. */
    public static byte[] goodbye() {
        return new byte[HEADER_SIZE];
    }

    private static void writeInt(byte[] out, int at, int value) {
        out[at] = (byte) (value >>> 24);
        out[at + 1] = (byte) (value >>> 16);
        out[at + 2] = (byte) (value >>> 8);
        out[at + 3] = (byte) value;
    }
}
