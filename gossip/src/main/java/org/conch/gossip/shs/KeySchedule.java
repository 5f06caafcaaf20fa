package org.conch.gossip.shs;

import org.conch.feed.crypto.CryptoException;
import org.conch.feed.crypto.Curve25519;
import org.conch.feed.crypto.Hmac;
import org.conch.feed.crypto.SecretBox;
import org.conch.feed.crypto.Sha256;

import java.util.Arrays;

/**
 * The handshake's derivations, shared by both sides so that they cannot drift apart. Names follow
 * the JavaScript reference: ab, aB ("a_bob"), Ab ("b_alice"), secret2, secret3.
 */
final class KeySchedule {
    private KeySchedule() {
    }

    /** msg3 and msg4 are each the only box under their key, so they use the all-zero nonce. */
    /** X25519 between our secret and their public key; a key that yields no usable secret is the peer's fault. */
    static byte[] agree(byte[] secretKey, byte[] publicKey, String whose) {
        try {
            return Curve25519.sharedSecret(secretKey, publicKey);
        } catch (CryptoException e) {
            throw new HandshakeException(HandshakeException.Reason.INVALID_KEY, whose + ": " + e.getMessage(), e);
        }
    }

    static byte[] zeroNonce() {
        return new byte[SecretBox.NONCE_SIZE];
    }

    /** msg1 / msg2: hmac(K, ephemeral public key) ‖ ephemeral public key. */
    static byte[] hello(byte[] networkKey, byte[] ephemeralPublicKey) {
        byte[] hello = Arrays.copyOf(Hmac.auth(networkKey, ephemeralPublicKey), SecretHandshake.CLIENT_HELLO_SIZE);
        System.arraycopy(ephemeralPublicKey, 0, hello, Hmac.TAG_SIZE, SecretHandshake.PUBLIC_KEY_SIZE);
        return hello;
    }

    /** The ephemeral public key of a hello whose HMAC verifies under K, or null. */
    static byte[] verifyHello(byte[] networkKey, byte[] hello) {
        byte[] mac = Arrays.copyOf(hello, Hmac.TAG_SIZE);
        byte[] ephemeralPublicKey = Arrays.copyOfRange(hello, Hmac.TAG_SIZE, hello.length);
        return Hmac.verify(mac, networkKey, ephemeralPublicKey) ? ephemeralPublicKey : null;
    }

    /** The key of msg3: sha256(K ‖ ab ‖ aB). */
    static byte[] secret2(byte[] networkKey, byte[] ab, byte[] aB) {
        return Sha256.hash(networkKey, ab, aB);
    }

    /** The key of msg4 and the root of the session keys: sha256(K ‖ ab ‖ aB ‖ Ab). */
    static byte[] secret3(byte[] networkKey, byte[] ab, byte[] aB, byte[] Ab) {
        return Sha256.hash(networkKey, ab, aB, Ab);
    }

    /** What the client signs: K ‖ B ‖ sha256(ab). */
    static byte[] clientSignedMessage(byte[] networkKey, byte[] serverPublicKey, byte[] ab) {
        return concat(networkKey, serverPublicKey, Sha256.hash(ab));
    }

    /** What the server signs: K ‖ sigA ‖ A ‖ sha256(ab), the middle being msg3's plaintext. */
    static byte[] serverSignedMessage(byte[] networkKey, byte[] clientAuthPlaintext, byte[] ab) {
        return concat(networkKey, clientAuthPlaintext, Sha256.hash(ab));
    }

    /**
     * The session keys: S = sha256(secret3); we encrypt with sha256(S ‖ remote key) from the
     * remote hello's first 24 bytes and decrypt with sha256(S ‖ our key) from our hello's.
     */
    static HandshakeResult result(byte[] secret3, byte[] localPublicKey, byte[] remotePublicKey,
                                  byte[] localHello, byte[] remoteHello) {
        byte[] sessionSecret = Sha256.hash(secret3);
        HandshakeResult result = new HandshakeResult(remotePublicKey,
                Sha256.hash(sessionSecret, remotePublicKey), Arrays.copyOf(remoteHello, SecretHandshake.NONCE_SIZE),
                Sha256.hash(sessionSecret, localPublicKey), Arrays.copyOf(localHello, SecretHandshake.NONCE_SIZE));
        Arrays.fill(sessionSecret, (byte) 0);
        return result;
    }

    static void checkSize(byte[] message, int size, String name) {
        if (message == null || message.length != size) {
            throw new HandshakeException(HandshakeException.Reason.WRONG_MESSAGE_SIZE,
                    name + " has " + size + " bytes, got " + (message == null ? "none" : message.length));
        }
    }

    static void checkNetworkKey(byte[] networkKey) {
        if (networkKey == null || networkKey.length != SecretHandshake.NETWORK_KEY_SIZE) {
            throw new IllegalArgumentException("a network key has " + SecretHandshake.NETWORK_KEY_SIZE + " bytes");
        }
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int offset = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, offset, part.length);
            offset += part.length;
        }
        return out;
    }
}
