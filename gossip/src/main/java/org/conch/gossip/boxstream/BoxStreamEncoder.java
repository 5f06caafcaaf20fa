package org.conch.gossip.boxstream;

import org.conch.feed.crypto.SecretBox;

import java.util.Arrays;

/**
 * Encrypts one direction of a connection into box-stream frames. Writes longer than
 * {@link BoxStream#MAX_CHUNK_SIZE} become several frames, empty writes none; {@link #goodbye()}
 * ends the stream. One encoder per connection direction; not thread-safe.
 */
public final class BoxStreamEncoder {
    private final byte[] key;
    private final byte[] nonce;
    private final byte[] bodyNonce = new byte[BoxStream.NONCE_SIZE];
    private final byte[] headerPlaintext = new byte[BoxStream.HEADER_PLAINTEXT_SIZE];
    private final SecretBox box = new SecretBox();
    private boolean closed;

    /** @param key the handshake's encrypt key; @param nonce its encrypt nonce */
    public BoxStreamEncoder(byte[] key, byte[] nonce) {
        BoxStream.checkKeys(key, nonce);
        this.key = key.clone();
        this.nonce = nonce.clone();
    }

    /** The frames that carry {@code data}: empty when {@code data} is. */
    public byte[] encode(byte[] data) {
        return encode(data, 0, data.length);
    }

    /** The frames that carry {@code length} bytes of {@code data} from {@code offset}. */
    public byte[] encode(byte[] data, int offset, int length) {
        if (offset < 0 || length < 0 || offset > data.length - length) {
            throw new IndexOutOfBoundsException("offset " + offset + " length " + length + " in " + data.length);
        }
        if (closed) {
            throw new IllegalStateException("the box-stream already said goodbye");
        }
        int frames = (length + BoxStream.MAX_CHUNK_SIZE - 1) / BoxStream.MAX_CHUNK_SIZE;
        byte[] out = new byte[length + frames * BoxStream.HEADER_SIZE];
        int written = 0;
        for (int done = 0; done < length; done += BoxStream.MAX_CHUNK_SIZE) {
            int chunk = Math.min(BoxStream.MAX_CHUNK_SIZE, length - done);
            written = frame(data, offset + done, chunk, out, written);
        }
        return out;
    }

    /** The 34-byte goodbye that ends the stream; nothing can be encoded after it. */
    public byte[] goodbye() {
        if (closed) {
            throw new IllegalStateException("the box-stream already said goodbye");
        }
        closed = true;
        Arrays.fill(headerPlaintext, (byte) 0);
        byte[] out = new byte[BoxStream.GOODBYE_SIZE];
        box.sealDetached(key, nonce, headerPlaintext, 0, BoxStream.HEADER_PLAINTEXT_SIZE,
                out, SecretBox.MAC_SIZE, out, 0);
        BoxStream.increment(nonce);
        return out;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Writes header ‖ body ciphertext for one chunk at {@code at}; returns the offset after it. */
    private int frame(byte[] data, int offset, int length, byte[] out, int at) {
        int bodyAt = at + BoxStream.HEADER_SIZE;
        BoxStream.incrementInto(nonce, bodyNonce);
        // the body's tag goes into the header's plaintext, after the length
        box.sealDetached(key, bodyNonce, data, offset, length, out, bodyAt, headerPlaintext, 2);
        headerPlaintext[0] = (byte) (length >>> 8);
        headerPlaintext[1] = (byte) length;
        box.sealDetached(key, nonce, headerPlaintext, 0, BoxStream.HEADER_PLAINTEXT_SIZE,
                out, at + SecretBox.MAC_SIZE, out, at);
        BoxStream.increment(nonce);
        BoxStream.increment(nonce);
        return bodyAt + length;
    }
}
