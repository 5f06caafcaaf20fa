package org.conch.feed.crypto;

import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

import java.util.Arrays;

/**
 * libsodium's {@code crypto_auth}: HMAC-SHA-512 truncated to its first 32 bytes (which is not
 * SHA-512/256). The secret handshake uses it to prove knowledge of the network key. (Bouncy
 * Castle's, since the JDK's provider lookup costs more than the MAC of a 32-byte message.)
 */
public final class Hmac {
    public static final int KEY_SIZE = 32;
    public static final int TAG_SIZE = 32;

    private Hmac() {
    }

    public static byte[] auth(byte[] key, byte[] message) {
        Checks.size(key, KEY_SIZE, "crypto_auth key");
        HMac hmac = new HMac(new SHA512Digest());
        hmac.init(new KeyParameter(key));
        hmac.update(message, 0, message.length);
        byte[] full = new byte[hmac.getMacSize()];
        hmac.doFinal(full, 0);
        byte[] tag = Arrays.copyOf(full, TAG_SIZE);
        Arrays.fill(full, (byte) 0);
        return tag;
    }

    /** Whether {@code tag} is the tag of {@code message} under {@code key}, compared in constant time. */
    public static boolean verify(byte[] tag, byte[] key, byte[] message) {
        return tag.length == TAG_SIZE
                && org.bouncycastle.util.Arrays.constantTimeAreEqual(tag, auth(key, message));
    }
}
