package org.conch.feed.crypto;

import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

import java.util.Arrays;
import java.util.Optional;

/**
 * XSalsa20-Poly1305 exactly as libsodium's {@code crypto_secretbox_easy}: a box is the 16-byte
 * Poly1305 tag followed by the ciphertext, which is as long as the message. The first 32 bytes of
 * the XSalsa20 key stream are the one-time Poly1305 key; the message is encrypted with the stream
 * from byte 32 on, and the tag covers the ciphertext.
 *
 * <p>The static {@link #seal(byte[], byte[], byte[])} and {@link #open(byte[], byte[], byte[])}
 * suit the handshake. An instance keeps its cipher and MAC for reuse and works on array ranges
 * with the tag apart ("detached"), as box-stream needs; an instance is not thread-safe.
 */
public final class SecretBox {
    public static final int KEY_SIZE = 32;
    public static final int NONCE_SIZE = 24;
    public static final int MAC_SIZE = 16;
    /** Key stream bytes spent on the Poly1305 key before the message's. */
    private static final int POLY1305_KEY_SIZE = 32;
    private static final byte[] ZEROS = new byte[POLY1305_KEY_SIZE];

    private final XSalsa20Engine cipher = new XSalsa20Engine();
    private final Poly1305 poly1305 = new Poly1305();
    private final byte[] polyKey = new byte[POLY1305_KEY_SIZE];
    private final byte[] computedMac = new byte[MAC_SIZE];

    /** {@code crypto_secretbox_easy}: returns tag ‖ ciphertext, {@code MAC_SIZE} longer than the message. */
    public static byte[] seal(byte[] key, byte[] nonce, byte[] message) {
        byte[] box = new byte[MAC_SIZE + message.length];
        new SecretBox().sealDetached(key, nonce, message, 0, message.length, box, MAC_SIZE, box, 0);
        return box;
    }

    /** {@code crypto_secretbox_open_easy}: the message, or empty when the box does not authenticate. */
    public static Optional<byte[]> open(byte[] key, byte[] nonce, byte[] box) {
        if (box.length < MAC_SIZE) {
            return Optional.empty();
        }
        byte[] message = new byte[box.length - MAC_SIZE];
        boolean authentic = new SecretBox().openDetached(key, nonce, box, 0, box, MAC_SIZE, message.length, message, 0);
        return authentic ? Optional.of(message) : Optional.empty();
    }

    /**
     * Encrypts {@code length} bytes of {@code src} into {@code dst} (the same range may be used in
     * place) and writes the 16-byte tag into {@code mac} at {@code macOffset}.
     */
    public void sealDetached(byte[] key, byte[] nonce, byte[] src, int srcOffset, int length,
                             byte[] dst, int dstOffset, byte[] mac, int macOffset) {
        Checks.range(src, srcOffset, length, "message");
        Checks.range(dst, dstOffset, length, "ciphertext");
        Checks.range(mac, macOffset, MAC_SIZE, "tag");
        start(key, nonce);
        cipher.processBytes(src, srcOffset, length, dst, dstOffset);
        poly1305.update(dst, dstOffset, length);
        poly1305.doFinal(mac, macOffset);
    }

    /**
     * Checks the tag of {@code length} bytes of ciphertext in constant time and, only when it
     * matches, decrypts them into {@code dst} (the same range may be used in place).
     *
     * @return false, with nothing written, when the ciphertext does not authenticate
     */
    public boolean openDetached(byte[] key, byte[] nonce, byte[] mac, int macOffset,
                                byte[] src, int srcOffset, int length, byte[] dst, int dstOffset) {
        Checks.range(src, srcOffset, length, "ciphertext");
        Checks.range(dst, dstOffset, length, "message");
        Checks.range(mac, macOffset, MAC_SIZE, "tag");
        start(key, nonce);
        poly1305.update(src, srcOffset, length);
        poly1305.doFinal(computedMac, 0);
        if (!org.bouncycastle.util.Arrays.constantTimeAreEqual(MAC_SIZE, computedMac, 0, mac, macOffset)) {
            cipher.reset();
            return false;
        }
        cipher.processBytes(src, srcOffset, length, dst, dstOffset);
        return true;
    }

    /** Keys the cipher for this nonce and the MAC with the first 32 bytes of its key stream. */
    private void start(byte[] key, byte[] nonce) {
        Checks.size(key, KEY_SIZE, "secretbox key");
        Checks.size(nonce, NONCE_SIZE, "secretbox nonce");
        cipher.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
        cipher.processBytes(ZEROS, 0, POLY1305_KEY_SIZE, polyKey, 0);
        poly1305.init(new KeyParameter(polyKey));
        Arrays.fill(polyKey, (byte) 0);
    }
}
