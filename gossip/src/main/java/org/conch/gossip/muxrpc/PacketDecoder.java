package org.conch.gossip.muxrpc;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Incremental muxrpc decoder for one connection: feed it the bytes box-stream yields, in chunks of
 * any size, and it hands out each packet once its last byte has arrived.
 *
 * <p>Memory is bounded: at most a partial header and one body of at most {@code maxBodySize} bytes are
 * held, and a body's buffer grows with the bytes that arrived rather than with what its header announced
 * (a peer that announces a megabyte and sends nothing costs {@value #FIRST_BODY_BUFFER} bytes). A header
 * announcing a body over the limit fails before any of that body is buffered. A header whose
 * length is 0 is the goodbye (as in JS packet-stream-codec, whatever its other bytes): after it
 * {@link #isGoodbye()} is true and further input is ignored. After a failure the decoder stays failed.
 */
public final class PacketDecoder {
    /** The first buffer for a body; it doubles as bytes arrive, up to the announced length. */
    static final int FIRST_BODY_BUFFER = 16 * 1024;

    private final int maxBodySize;
    private final byte[] header = new byte[PacketCodec.HEADER_SIZE];
    private int headerFill;
    /** Set between a complete header and a complete body. */
    private byte[] body;
    private int bodyFill;
    private int bodyLength;
    private boolean stream;
    private boolean end;
    private BodyType type;
    private int request;
    private boolean goodbye;
    private boolean failed;

    public PacketDecoder() {
        this(PacketCodec.DEFAULT_MAX_BODY_SIZE);
    }

    public PacketDecoder(int maxBodySize) {
        if (maxBodySize < 1) {
            throw new IllegalArgumentException("maxBodySize must be at least 1, got " + maxBodySize);
        }
        this.maxBodySize = maxBodySize;
    }

    public int maxBodySize() {
        return maxBodySize;
    }

    /** True once the goodbye header has been read. */
    public boolean isGoodbye() {
        return goodbye;
    }

    /** True when nothing of an unfinished packet is held: a clean place for the stream to stop. */
    public boolean isIdle() {
        return headerFill == 0 && body == null;
    }

    /** Decodes a whole chunk; the packets complete in it, in order. */
    public List<Packet> feed(byte[] chunk) {
        return feed(chunk, 0, chunk.length);
    }

    public List<Packet> feed(byte[] chunk, int offset, int length) {
        List<Packet> out = new ArrayList<>(2);
        feed(chunk, offset, length, out::add);
        return out;
    }

    public List<Packet> feed(ByteBuffer chunk) {
        byte[] bytes = new byte[chunk.remaining()];
        chunk.get(bytes);
        return feed(bytes);
    }

    /**
     * Decodes {@code length} bytes of {@code chunk} from {@code offset}, passing each complete packet to
     * {@code out} as soon as it is complete.
     *
     * @throws MuxrpcException on a body over the limit or an undefined body type
     */
    public void feed(byte[] chunk, int offset, int length, Consumer<Packet> out) {
        if (failed) {
            throw new MuxrpcException("muxrpc decoder already failed on this connection");
        }
        int at = offset;
        int stop = offset + length;
        try {
            while (at < stop && !goodbye) {
                if (body == null) {
                    int take = Math.min(PacketCodec.HEADER_SIZE - headerFill, stop - at);
                    System.arraycopy(chunk, at, header, headerFill, take);
                    headerFill += take;
                    at += take;
                    if (headerFill == PacketCodec.HEADER_SIZE) {
                        startBody();
                    }
                } else {
                    int take = Math.min(bodyLength - bodyFill, stop - at);
                    if (bodyFill + take > body.length) {
                        body = Arrays.copyOf(body, Math.min(bodyLength, Math.max(body.length * 2, bodyFill + take)));
                    }
                    System.arraycopy(chunk, at, body, bodyFill, take);
                    bodyFill += take;
                    at += take;
                }
                if (body != null && bodyFill == bodyLength) {
                    byte[] complete = body;
                    body = null;
                    bodyFill = 0;
                    out.accept(new Packet(stream, end, type, request, complete));
                }
            }
        } catch (MuxrpcException e) {
            failed = true;
            throw e;
        }
    }

    private void startBody() {
        headerFill = 0;
        long length = readInt(1) & 0xFFFFFFFFL;
        if (length == 0) {
            goodbye = true;
            return;
        }
        if (length > maxBodySize) {
            throw new MuxrpcException("muxrpc body of " + length + " bytes is over the limit of "
                    + maxBodySize + " bytes");
        }
        int flags = header[0] & 0xFF;
        // The upper four flag bits are unused; JS ignores them, and so do we.
        type = BodyType.ofCode(flags & 3);
        stream = (flags & 8) != 0;
        end = (flags & 4) != 0;
        request = readInt(5);
        bodyLength = (int) length;
        body = new byte[Math.min(bodyLength, FIRST_BODY_BUFFER)];
        bodyFill = 0;
    }

    private int readInt(int at) {
        return ((header[at] & 0xFF) << 24) | ((header[at + 1] & 0xFF) << 16)
                | ((header[at + 2] & 0xFF) << 8) | (header[at + 3] & 0xFF);
    }
}
