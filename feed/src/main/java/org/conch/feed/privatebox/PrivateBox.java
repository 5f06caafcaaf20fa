package org.conch.feed.privatebox;

import org.conch.feed.crypto.CryptoException;
import org.conch.feed.crypto.Curve25519;
import org.conch.feed.crypto.SecretBox;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Scuttlebutt's private box (box1), byte for byte as private-box 0.3.1's code writes and reads it:
 * <pre>
 *   nonce (24) ‖ one-time Curve25519 public key (32) ‖ slot × recipients (49 each) ‖ body
 *   slot = secretbox(key = X25519(one-time secret, recipient), nonce, slot count (1) ‖ body key (32))
 *   body = secretbox(key = body key, nonce, plaintext)
 * </pre>
 * Every box, slot and body alike, uses the one nonce: each is under a different key. A recipient tries the
 * slots in turn with {@code X25519(own secret, one-time public key)}; the one that opens gives the body key and
 * how many slots to skip. Nothing in the box says how many slots there are, which hides the number of
 * recipients from everyone else.
 *
 * <p>Unboxing never throws: anything that does not open (short input, a wrong MAC, no slot for this key, a
 * one-time key of small order, a slot count of zero or past the end) is an empty result.
 */
public final class PrivateBox {
    public static final int NONCE_SIZE = SecretBox.NONCE_SIZE;
    public static final int BODY_KEY_SIZE = SecretBox.KEY_SIZE;
    /** private-box's default {@code max}, which ssb-keys never changes. */
    public static final int MAX_RECIPIENTS = 7;
    /** secretbox(count ‖ body key): 16 MAC + 1 + 32. */
    static final int SLOT_SIZE = SecretBox.MAC_SIZE + UnboxKey.SIZE;
    /** Nonce and one-time public key. */
    static final int HEADER_SIZE = NONCE_SIZE + Curve25519.KEY_SIZE;
    /**
     * Slots a reader tries: private-box's loop runs {@code i} from 0 to {@code max} inclusive, one more than
     * a box may hold; kept so that conch opens exactly what the JavaScript opens.
     */
    static final int SLOTS_TRIED = MAX_RECIPIENTS + 1;

    private static final SecureRandom RANDOM = new SecureRandom();

    private PrivateBox() {
    }

    /**
     * Boxes {@code plaintext} for 1 to {@value #MAX_RECIPIENTS} recipients, given by their Curve25519 public
     * keys, with a fresh nonce, body key and one-time key pair.
     *
     * @throws PrivateBoxException for no recipient or too many
     * @throws CryptoException     for a recipient key of small order (the slot key would be all zero)
     */
    public static byte[] box(byte[] plaintext, List<byte[]> recipientKeys) {
        return box(plaintext, recipientKeys, RANDOM);
    }

    /**
     * {@link #box(byte[], List)} with the randomness drawn from {@code random} in private-box's order: the
     * nonce, then the body key, then the one-time secret key.
     */
    public static byte[] box(byte[] plaintext, List<byte[]> recipientKeys, SecureRandom random) {
        if (recipientKeys.isEmpty() || recipientKeys.size() > MAX_RECIPIENTS) {
            throw new PrivateBoxException("a private box has 1 to " + MAX_RECIPIENTS + " recipients, not "
                    + recipientKeys.size());
        }
        byte[] nonce = new byte[NONCE_SIZE];
        random.nextBytes(nonce);
        byte[] countAndKey = new byte[UnboxKey.SIZE];
        countAndKey[0] = (byte) recipientKeys.size();
        byte[] bodyKey = new byte[BODY_KEY_SIZE];
        random.nextBytes(bodyKey);
        System.arraycopy(bodyKey, 0, countAndKey, 1, BODY_KEY_SIZE);
        Curve25519.KeyPair oneTime = Curve25519.KeyPair.generate(random);
        byte[] oneTimeSecret = oneTime.secretKey();

        byte[] boxed = new byte[HEADER_SIZE + recipientKeys.size() * SLOT_SIZE + SecretBox.MAC_SIZE + plaintext.length];
        System.arraycopy(nonce, 0, boxed, 0, NONCE_SIZE);
        System.arraycopy(oneTime.publicKey(), 0, boxed, NONCE_SIZE, Curve25519.KEY_SIZE);
        int at = HEADER_SIZE;
        for (byte[] recipient : recipientKeys) {
            byte[] slotKey = Curve25519.sharedSecret(oneTimeSecret, recipient);
            System.arraycopy(SecretBox.seal(slotKey, nonce, countAndKey), 0, boxed, at, SLOT_SIZE);
            Arrays.fill(slotKey, (byte) 0);
            at += SLOT_SIZE;
        }
        byte[] body = SecretBox.seal(bodyKey, nonce, plaintext);
        System.arraycopy(body, 0, boxed, at, body.length);
        Arrays.fill(oneTimeSecret, (byte) 0);
        Arrays.fill(bodyKey, (byte) 0);
        Arrays.fill(countAndKey, (byte) 0);
        return boxed;
    }

    /** The plaintext, when one of the slots opens with this Curve25519 secret key and then the body does. */
    public static Optional<byte[]> unbox(byte[] boxed, byte[] secretKey) {
        return unboxKey(boxed, secretKey).flatMap(key -> unboxBody(boxed, key));
    }

    /**
     * The key a slot holds for this Curve25519 secret key (private-box's {@code multibox_open_key}): the
     * slots are tried in order, at most {@value #SLOTS_TRIED}, and only while a slot and a 16-byte MAC of a
     * body still fit after it.
     */
    public static Optional<UnboxKey> unboxKey(byte[] boxed, byte[] secretKey) {
        if (boxed == null || boxed.length < HEADER_SIZE || secretKey == null
                || secretKey.length != Curve25519.KEY_SIZE) {
            return Optional.empty();
        }
        byte[] nonce = Arrays.copyOf(boxed, NONCE_SIZE);
        byte[] oneTimeKey = Arrays.copyOfRange(boxed, NONCE_SIZE, HEADER_SIZE);
        byte[] slotKey;
        try {
            slotKey = Curve25519.sharedSecret(secretKey, oneTimeKey);
        } catch (CryptoException smallOrder) {
            return Optional.empty(); // no sender can have made a slot for us with that key
        }
        SecretBox secretBox = new SecretBox();
        byte[] countAndKey = new byte[UnboxKey.SIZE];
        try {
            for (int slot = 0; slot < SLOTS_TRIED; slot++) {
                int start = HEADER_SIZE + slot * SLOT_SIZE;
                if (start + SLOT_SIZE > boxed.length - SecretBox.MAC_SIZE) {
                    return Optional.empty();
                }
                if (secretBox.openDetached(slotKey, nonce, boxed, start, boxed, start + SecretBox.MAC_SIZE,
                        UnboxKey.SIZE, countAndKey, 0)) {
                    return UnboxKey.fromBytes(countAndKey);
                }
            }
            return Optional.empty();
        } finally {
            Arrays.fill(slotKey, (byte) 0);
            Arrays.fill(countAndKey, (byte) 0);
        }
    }

    /**
     * The body opened with a key from {@link #unboxKey} (private-box's {@code multibox_open_body}): it starts
     * after as many slots as the key counts.
     */
    public static Optional<byte[]> unboxBody(byte[] boxed, UnboxKey key) {
        if (boxed == null || key == null) {
            return Optional.empty();
        }
        long start = HEADER_SIZE + (long) key.slotCount() * SLOT_SIZE;
        if (start + SecretBox.MAC_SIZE > boxed.length) {
            return Optional.empty();
        }
        byte[] nonce = Arrays.copyOf(boxed, NONCE_SIZE);
        byte[] bodyKey = key.bodyKey();
        try {
            return SecretBox.open(bodyKey, nonce, Arrays.copyOfRange(boxed, (int) start, boxed.length));
        } finally {
            Arrays.fill(bodyKey, (byte) 0);
        }
    }
}
