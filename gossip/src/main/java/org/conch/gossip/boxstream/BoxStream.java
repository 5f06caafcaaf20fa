package org.conch.gossip.boxstream;

import org.conch.feed.crypto.SecretBox;

/**
 * The box-stream wire format (protocol.md §3). Each direction has a 32-byte key and a 24-byte
 * nonce from the handshake; the nonce is a big-endian counter. A chunk of L bytes is sent as
 * <pre>
 *   header = secretbox(uint16BE(L) ‖ bodyMac[16], nonce)       34 bytes
 *   body   = the L ciphertext bytes of secretbox(chunk, nonce + 1), whose tag is bodyMac
 * </pre>
 * after which the nonce advances by 2. The stream ends with a goodbye: a header box whose 18-byte
 * plaintext is all zero, so a receiver can tell a clean end from a truncated one.
 */
public final class BoxStream {
    /** The header's plaintext: the body length (uint16 big-endian) and the body's tag. */
    public static final int HEADER_PLAINTEXT_SIZE = 2 + SecretBox.MAC_SIZE;
    /** A boxed header on the wire. */
    public static final int HEADER_SIZE = SecretBox.MAC_SIZE + HEADER_PLAINTEXT_SIZE;
    /** The goodbye is one boxed all-zero header. */
    public static final int GOODBYE_SIZE = HEADER_SIZE;
    /** The largest body a sender puts in one frame; longer writes are split. */
    public static final int MAX_CHUNK_SIZE = 4096;
    /** The largest body a receiver accepts: the JavaScript reader takes any uint16 length. */
    public static final int MAX_BODY_SIZE = 0xffff;
    public static final int KEY_SIZE = SecretBox.KEY_SIZE;
    public static final int NONCE_SIZE = SecretBox.NONCE_SIZE;

    private BoxStream() {
    }

    /** Adds one to a big-endian counter in place, wrapping around at 2^192. */
    static void increment(byte[] nonce) {
        for (int i = nonce.length - 1; i >= 0; i--) {
            if (++nonce[i] != 0) {
                return;
            }
        }
    }

    /** {@code target = source + 1}, leaving {@code source} as it is. */
    static void incrementInto(byte[] source, byte[] target) {
        System.arraycopy(source, 0, target, 0, source.length);
        increment(target);
    }

    static void checkKeys(byte[] key, byte[] nonce) {
        if (key == null || key.length != KEY_SIZE) {
            throw new IllegalArgumentException("a box-stream key has " + KEY_SIZE + " bytes");
        }
        if (nonce == null || nonce.length != NONCE_SIZE) {
            throw new IllegalArgumentException("a box-stream nonce has " + NONCE_SIZE + " bytes");
        }
    }
}
