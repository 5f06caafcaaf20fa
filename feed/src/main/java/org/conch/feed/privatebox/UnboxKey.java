package org.conch.feed.privatebox;

import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * What a recipient's slot of a private box holds: the number of slots (one byte) and the 32-byte key of the
 * body, in that order, as private-box's {@code multibox_open_key} returns them. Whoever has it opens the body
 * without a secret key, so a reader can keep it to re-open a message later (ssb-db's {@code ?unbox=} links
 * carry its base64).
 */
public final class UnboxKey {
    public static final int SIZE = 1 + PrivateBox.BODY_KEY_SIZE;

    private final byte[] countAndKey;

    private UnboxKey(byte[] countAndKey) {
        this.countAndKey = countAndKey;
    }

    /**
     * The key of these 33 bytes (copied), or empty when they cannot be one: another length, or a count of
     * zero slots (a box always has at least one; private-box would look for that body inside the header).
     */
    public static Optional<UnboxKey> fromBytes(byte[] countAndKey) {
        if (countAndKey == null || countAndKey.length != SIZE || countAndKey[0] == 0) {
            return Optional.empty();
        }
        return Optional.of(new UnboxKey(countAndKey.clone()));
    }

    /** How many recipient slots come before the body: 1 to 255 (a box made by private-box has at most 7). */
    public int slotCount() {
        return countAndKey[0] & 0xff;
    }

    /** A copy of the 32-byte key of the body. */
    public byte[] bodyKey() {
        return Arrays.copyOfRange(countAndKey, 1, SIZE);
    }

    /** A copy of the 33 bytes: the slot count, then the body key. */
    public byte[] bytes() {
        return countAndKey.clone();
    }

    /** The standard base64 of {@link #bytes()}, as ssb-db writes it in {@code ?unbox=}. */
    public String base64() {
        return Base64.getEncoder().encodeToString(countAndKey);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof UnboxKey that && Arrays.equals(countAndKey, that.countAndKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(countAndKey);
    }

    /** Names the slot count only: the key is a secret. */
    @Override
    public String toString() {
        return "UnboxKey[" + slotCount() + " slots]";
    }
}
