package org.conch.feed;

import java.util.Arrays;
import java.util.Optional;
import org.conch.feed.ref.InvalidRefException;
import org.conch.feed.ref.SigilCodec;

/**
 * A blob: the sha256 hash of its bytes, written {@code &<base64>.sha256}.
 * Immutable; equal when the bytes are; ordered by the bytes, unsigned.
 */
public final class BlobId implements Comparable<BlobId> {
    public static final char SIGIL = '&';
    public static final String SUFFIX = ".sha256";
    private static final String WHAT = "blob id";

    private final byte[] hash;
    private final String canonical;

    private BlobId(byte[] hash) {
        this.hash = hash;
        this.canonical = SigilCodec.encode(SIGIL, hash, SUFFIX, WHAT);
    }

    /** The id of these 32 sha256 hash bytes (copied). */
    public static BlobId of(byte[] hash) {
        SigilCodec.requireKeyLength(hash, WHAT);
        return new BlobId(hash.clone());
    }

    /**
     * Parses the canonical form {@code &<base64 of the hash>.sha256}; anything else (another suffix,
     * non-canonical base64, surrounding whitespace) is refused with an {@link InvalidRefException} that says why.
     */
    public static BlobId parse(String text) {
        return new BlobId(SigilCodec.decode(text, SIGIL, SUFFIX, WHAT));
    }

    /** Like {@link #parse} but empty instead of throwing (also for null). */
    public static Optional<BlobId> tryParse(String text) {
        if (text == null) return Optional.empty();
        try {
            return Optional.of(parse(text));
        } catch (InvalidRefException e) {
            return Optional.empty();
        }
    }

    /** A copy of the 32 sha256 hash bytes. */
    public byte[] bytes() {
        return hash.clone();
    }

    /** The canonical base64 of the bytes, without sigil and suffix. */
    public String base64() {
        return canonical.substring(1, canonical.length() - SUFFIX.length());
    }

    /** The canonical form, {@code &<base64 of the hash>.sha256}. */
    @Override
    public String toString() {
        return canonical;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BlobId that && Arrays.equals(hash, that.hash);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(hash);
    }

    @Override
    public int compareTo(BlobId other) {
        return Arrays.compareUnsigned(hash, other.hash);
    }
}
