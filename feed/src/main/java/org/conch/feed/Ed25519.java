package org.conch.feed;

import org.bouncycastle.math.ec.rfc8032.Ed25519.PublicPoint;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Ed25519 signatures over Bouncy Castle's RFC 8032 code. Verification caches each author's decoded
 * public point, since a feed's messages all verify against the same key.
 */
public final class Ed25519 {
    public static final int PUBLIC_KEY_SIZE = 32;
    public static final int SEED_SIZE = 32;
    public static final int SIGNATURE_SIZE = 64;
    /** Enough for every author a large pub sees; past it the cache starts over rather than grow. */
    private static final int MAX_CACHED_KEYS = 200_000;
    /** Marks a public key that does not decode to a curve point. */
    private static final Object UNDECODABLE = new Object();

    private static final ConcurrentHashMap<PublicKeyBytes, Object> POINTS = new ConcurrentHashMap<>();

    private Ed25519() {
    }

    public static byte[] publicKeyFromSeed(byte[] seed) {
        checkLength(seed, SEED_SIZE, "seed");
        byte[] publicKey = new byte[PUBLIC_KEY_SIZE];
        org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(seed, 0, publicKey, 0);
        return publicKey;
    }

    public static byte[] sign(byte[] seed, byte[] publicKey, byte[] message) {
        byte[] signature = new byte[SIGNATURE_SIZE];
        org.bouncycastle.math.ec.rfc8032.Ed25519.sign(seed, 0, publicKey, 0, null, message, 0, message.length, signature, 0);
        return signature;
    }

    public static boolean verify(byte[] publicKey, byte[] signature, byte[] message) {
        return verify(publicKey, signature, message, 0, message.length);
    }

    /** The same over {@code message[offset, offset + length)}. */
    public static boolean verify(byte[] publicKey, byte[] signature, byte[] message, int offset, int length) {
        if (publicKey.length != PUBLIC_KEY_SIZE || signature.length != SIGNATURE_SIZE) {
            return false;
        }
        if (SmallOrder.isSmallOrder(publicKey, 0) || SmallOrder.isSmallOrder(signature, 0)) {
            // libsodium, which the JavaScript peers use, refuses these; Bouncy Castle would not.
            return false;
        }
        Object point = POINTS.get(new PublicKeyBytes(publicKey));
        if (point == null) {
            point = org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyPartialExport(publicKey, 0);
            if (point == null) point = UNDECODABLE;
            if (POINTS.size() >= MAX_CACHED_KEYS) POINTS.clear();
            POINTS.put(new PublicKeyBytes(publicKey.clone()), point);
        }
        if (point == UNDECODABLE) {
            return false;
        }
        return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(signature, 0, (PublicPoint) point, message, offset, length);
    }

    static void checkLength(byte[] bytes, int length, String what) {
        if (bytes == null || bytes.length != length) {
            throw new FeedException("an Ed25519 " + what + " has " + length + " bytes, not "
                    + (bytes == null ? "none" : bytes.length));
        }
    }

    private record PublicKeyBytes(byte[] bytes) {
        @Override
        public boolean equals(Object other) {
            return other instanceof PublicKeyBytes that && java.util.Arrays.equals(bytes, that.bytes);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bytes);
        }
    }

    /**
     * The encodings of the eight points of small order that libsodium's {@code ge25519_has_small_order}
     * refuses as a public key or as a signature's R (compared without the sign bit).
     */
    static final class SmallOrder {
        private static final byte[][] BLOCKLIST = {
                hex("0000000000000000000000000000000000000000000000000000000000000000"),
                hex("0100000000000000000000000000000000000000000000000000000000000000"),
                hex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),
                hex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
                hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
                hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
                hex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
        };

        private SmallOrder() {
        }

        static boolean isSmallOrder(byte[] encoded, int offset) {
            for (byte[] bad : BLOCKLIST) {
                int diff = (encoded[offset + 31] & 0x7f) ^ bad[31];
                for (int i = 0; i < 31 && diff == 0; i++) {
                    diff |= encoded[offset + i] ^ bad[i];
                }
                if (diff == 0) return true;
            }
            return false;
        }

        private static byte[] hex(String hex) {
            return java.util.HexFormat.of().parseHex(hex);
        }
    }
}
