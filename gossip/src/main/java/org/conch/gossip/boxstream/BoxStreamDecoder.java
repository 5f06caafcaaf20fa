package org.conch.gossip.boxstream;

import org.conch.feed.crypto.SecretBox;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Decrypts one direction of a connection, fed the bytes as the network delivers them: any chunk
 * may end mid-header or mid-body, and the decoder keeps the partial frame until the rest arrives.
 * It holds at most one frame (34 header bytes, then one body of at most 65535 bytes).
 *
 * <p>A goodbye closes the stream ({@link #isClosed()}); any byte after it, or a frame that does not
 * authenticate, throws a {@link BoxStreamException} and the decoder stays failed. One decoder per
 * connection direction; not thread-safe.
 */
public final class BoxStreamDecoder {
    private final byte[] key;
    private final byte[] nonce;
    private final byte[] bodyNonce = new byte[BoxStream.NONCE_SIZE];
    private final SecretBox box = new SecretBox();
    private final byte[] header = new byte[BoxStream.HEADER_SIZE];
    /** The opened header: body length and the body's tag. */
    private final byte[] headerPlaintext = new byte[BoxStream.HEADER_PLAINTEXT_SIZE];
    private int headerFilled;
    /** The body being received, or null while reading a header. */
    private byte[] body;
    private int bodyFilled;
    private long frames;
    private boolean closed;
    private String failure;

    /** @param key the handshake's decrypt key; @param nonce its decrypt nonce */
    public BoxStreamDecoder(byte[] key, byte[] nonce) {
        BoxStream.checkKeys(key, nonce);
        this.key = key.clone();
        this.nonce = nonce.clone();
    }

    /** Decodes what {@code chunk} completes: zero or more plaintext chunks, in order. */
    public List<byte[]> feed(byte[] chunk) {
        return feed(ByteBuffer.wrap(chunk));
    }

    /** Decodes what the remaining bytes of {@code in} complete (consuming them all). */
    public List<byte[]> feed(ByteBuffer in) {
        List<byte[]> out = new ArrayList<>(2);
        feed(in, out::add);
        return out;
    }

    /**
     * Consumes all remaining bytes of {@code in}, handing each plaintext chunk to {@code sink} as
     * soon as its frame is complete and authentic.
     *
     * @throws BoxStreamException when a frame does not authenticate or bytes follow the goodbye
     */
    public void feed(ByteBuffer in, Consumer<byte[]> sink) {
        if (failure != null) {
            throw new BoxStreamException("the box-stream already failed: " + failure);
        }
        while (in.hasRemaining()) {
            if (closed) {
                fail(in.remaining() + " bytes after the goodbye");
            }
            if (body == null) {
                int take = Math.min(in.remaining(), BoxStream.HEADER_SIZE - headerFilled);
                in.get(header, headerFilled, take);
                headerFilled += take;
                if (headerFilled == BoxStream.HEADER_SIZE) {
                    headerFilled = 0;
                    openHeader(sink);
                }
            } else {
                int take = Math.min(in.remaining(), body.length - bodyFilled);
                in.get(body, bodyFilled, take);
                bodyFilled += take;
                if (bodyFilled == body.length) {
                    openBody(sink);
                }
            }
        }
    }

    /** Whether the peer said goodbye: the stream ended cleanly. */
    public boolean isClosed() {
        return closed;
    }

    /** Whether part of a frame is buffered: at the end of the connection, a sign of truncation. */
    public boolean hasPartialFrame() {
        return headerFilled > 0 || body != null;
    }

    private void openHeader(Consumer<byte[]> sink) {
        if (!box.openDetached(key, nonce, header, 0, header, SecretBox.MAC_SIZE, BoxStream.HEADER_PLAINTEXT_SIZE,
                headerPlaintext, 0)) {
            fail("the header of frame " + frames + " does not authenticate");
        }
        if (isAllZero(headerPlaintext)) {
            closed = true;
            BoxStream.increment(nonce);
            return;
        }
        int length = ((headerPlaintext[0] & 0xff) << 8) | (headerPlaintext[1] & 0xff);
        body = new byte[length];
        bodyFilled = 0;
        if (length == 0) {
            openBody(sink);
        }
    }

    private void openBody(Consumer<byte[]> sink) {
        byte[] plaintext = body;
        BoxStream.incrementInto(nonce, bodyNonce);
        if (!box.openDetached(key, bodyNonce, headerPlaintext, 2, plaintext, 0, plaintext.length, plaintext, 0)) {
            fail("the body of frame " + frames + " does not authenticate");
        }
        body = null;
        frames++;
        BoxStream.increment(nonce);
        BoxStream.increment(nonce);
        if (plaintext.length > 0) {
            sink.accept(plaintext);
        }
    }

    private void fail(String reason) {
        failure = reason;
        body = null;
        throw new BoxStreamException(reason);
    }

    private static boolean isAllZero(byte[] bytes) {
        int bits = 0;
        for (byte b : bytes) {
            bits |= b;
        }
        return bits == 0;
    }
}
