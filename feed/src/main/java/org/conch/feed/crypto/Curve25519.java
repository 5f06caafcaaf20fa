package org.conch.feed.crypto;

import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.math.ec.rfc7748.X25519Field;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The X25519 operations of the secret handshake on Bouncy Castle: key agreement as libsodium's
 * {@code crypto_scalarmult} (an all-zero result refused), and the conversions of an Ed25519
 * identity to X25519 as {@code crypto_sign_ed25519_pk_to_curve25519} and
 * {@code crypto_sign_ed25519_sk_to_curve25519} compute them.
 */
public final class Curve25519 {
    public static final int KEY_SIZE = 32;
    /** Canonical u of the curve's points of small order (libsodium's blocklist, reduced). */
    private static final List<String> SMALL_ORDER_U = List.of(
            "0000000000000000000000000000000000000000000000000000000000000000",
            "0100000000000000000000000000000000000000000000000000000000000000",
            "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
            "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157");

    private Curve25519() {
    }

    /** The public key {@code X25519(secretKey, 9)}. */
    public static byte[] publicKey(byte[] secretKey) {
        Checks.size(secretKey, KEY_SIZE, "X25519 secret key");
        byte[] publicKey = new byte[KEY_SIZE];
        X25519.scalarMultBase(secretKey, 0, publicKey, 0);
        return publicKey;
    }

    /**
     * {@code X25519(secretKey, publicKey)}.
     *
     * @throws CryptoException when the result is all zero: the public key has small order, and a
     *         peer that sends one is trying to fix the shared secret
     */
    public static byte[] sharedSecret(byte[] secretKey, byte[] publicKey) {
        Checks.size(secretKey, KEY_SIZE, "X25519 secret key");
        Checks.size(publicKey, KEY_SIZE, "X25519 public key");
        byte[] shared = new byte[KEY_SIZE];
        if (!X25519.calculateAgreement(secretKey, 0, publicKey, 0, shared, 0)) {
            throw new CryptoException("X25519 with a public key of small order gives an all-zero secret");
        }
        return shared;
    }

    /**
     * The X25519 public key of an Ed25519 public key: the Montgomery u = (1 + y) / (1 − y) mod p of
     * its Edwards y (the sign bit of x does not matter).
     *
     * <p>Refuses an encoding that is not a point of the curve, and the points of small order, whose
     * agreements would be all zero. Unlike libsodium it does not pay for a full subgroup check (a
     * scalar multiplication by the group order): a key with a small-order component still converts,
     * and X25519's clamped scalars, multiples of the cofactor 8, cancel that component anyway.
     *
     * @throws CryptoException when the key is not a usable Ed25519 public key
     */
    public static byte[] publicFromEd25519(byte[] edPublicKey) {
        Checks.size(edPublicKey, KEY_SIZE, "Ed25519 public key");
        if (!Ed25519.validatePublicKeyPartial(edPublicKey, 0)) {
            throw new CryptoException("not an Ed25519 public key: no point of the curve");
        }
        byte[] yBytes = edPublicKey.clone();
        yBytes[KEY_SIZE - 1] &= 0x7f;
        int[] y = X25519Field.create();
        X25519Field.decode255(yBytes, 0, y, 0);
        int[] numerator = X25519Field.create();
        int[] denominator = X25519Field.create();
        int[] one = X25519Field.create();
        X25519Field.one(one);
        X25519Field.add(one, y, numerator);
        X25519Field.sub(one, y, denominator);
        X25519Field.normalize(denominator);
        if (X25519Field.isZeroVar(denominator)) {
            throw new CryptoException("not a usable Ed25519 public key: the identity point"); // y = 1
        }
        X25519Field.invVar(denominator, denominator);
        int[] u = X25519Field.create();
        X25519Field.mul(numerator, denominator, u);
        X25519Field.normalize(u);
        byte[] out = new byte[KEY_SIZE];
        X25519Field.encode(u, out, 0);
        if (isSmallOrder(out)) {
            throw new CryptoException("not a usable Ed25519 public key: a point of small order");
        }
        return out;
    }

    /** The X25519 secret key of an Ed25519 seed: the clamped first half of sha512(seed). */
    public static byte[] secretFromEd25519Seed(byte[] seed) {
        Checks.size(seed, KEY_SIZE, "Ed25519 seed");
        byte[] hash = sha512(seed);
        byte[] secret = Arrays.copyOf(hash, KEY_SIZE);
        Arrays.fill(hash, (byte) 0);
        X25519.clampPrivateKey(secret);
        return secret;
    }

    private static byte[] sha512(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-512").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-512", e);
        }
    }

    /**
     * Whether {@code u} (canonical) is the image of an Edwards point of small order: (0, −1) maps
     * to u = 0, the points of order 4 to u = 1, those of order 8 to the two values below (the
     * identity has no image: 1 − y = 0).
     */
    private static boolean isSmallOrder(byte[] u) {
        for (String smallOrder : SMALL_ORDER_U) {
            if (Arrays.equals(u, HexFormat.of().parseHex(smallOrder))) {
                return true;
            }
        }
        return false;
    }

    /** An X25519 key pair, such as a handshake's ephemeral keys. */
    public static final class KeyPair {
        private final byte[] secretKey;
        private final byte[] publicKey;

        private KeyPair(byte[] secretKey) {
            this.secretKey = secretKey;
            this.publicKey = Curve25519.publicKey(secretKey);
        }

        /** A fresh key pair from the random source. */
        public static KeyPair generate(SecureRandom random) {
            byte[] secretKey = new byte[KEY_SIZE];
            X25519.generatePrivateKey(random, secretKey);
            return new KeyPair(secretKey);
        }

        /** The key pair of a given secret key (for tests and vectors). */
        public static KeyPair fromSecretKey(byte[] secretKey) {
            Checks.size(secretKey, KEY_SIZE, "X25519 secret key");
            return new KeyPair(secretKey.clone());
        }

        public byte[] secretKey() {
            return secretKey.clone();
        }

        public byte[] publicKey() {
            return publicKey.clone();
        }

        @Override
        public String toString() {
            return "Curve25519.KeyPair[public " + java.util.HexFormat.of().formatHex(publicKey) + "]";
        }
    }
}
