package org.conch.feed;

import java.util.Arrays;
import java.util.Optional;
import org.conch.feed.ref.InvalidRefException;
import org.conch.feed.ref.SigilCodec;

/**
 * A feed: the ed25519 public key of its author, written {@code @<base64>.ed25519}.
 * Stricter than ssb-ref's isFeed, which also takes {@code @….sha256}: use {@link org.conch.feed.ref.SsbRefs}
 * for ssb-ref's answers.
 * Immutable; equal when the bytes are; ordered by the bytes, unsigned.
 */
public final class FeedId implements Comparable<FeedId> {
    public static final char SIGIL = '@';
    public static final String SUFFIX = ".ed25519";
    private static final String WHAT = "feed id";

    private final byte[] key;
    private final String canonical;

    private FeedId(byte[] key) {
        this.key = key;
        this.canonical = SigilCodec.encode(SIGIL, key, SUFFIX, WHAT);
    }

    /** The id of these 32 ed25519 public key bytes (copied). */
    public static FeedId of(byte[] key) {
        SigilCodec.requireKeyLength(key, WHAT);
        return new FeedId(key.clone());
    }

    /**
     * Parses the canonical form {@code @<base64 of the key>.ed25519}; anything else (another suffix,
     * non-canonical base64, surrounding whitespace) is refused with an {@link InvalidRefException} that says why.
     */
    public static FeedId parse(String text) {
        return new FeedId(SigilCodec.decode(text, SIGIL, SUFFIX, WHAT));
    }

    /** Like {@link #parse} but empty instead of throwing (also for null). */
    public static Optional<FeedId> tryParse(String text) {
        if (text == null) return Optional.empty();
        try {
            return Optional.of(parse(text));
        } catch (InvalidRefException e) {
            return Optional.empty();
        }
    }

    /** A copy of the 32 ed25519 public key bytes. */
    public byte[] bytes() {
        return key.clone();
    }

    /** The canonical base64 of the bytes, without sigil and suffix. */
    public String base64() {
        return canonical.substring(1, canonical.length() - SUFFIX.length());
    }

    /** The canonical form, {@code @<base64 of the key>.ed25519}. */
    @Override
    public String toString() {
        return canonical;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FeedId that && Arrays.equals(key, that.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    @Override
    public int compareTo(FeedId other) {
        return Arrays.compareUnsigned(key, other.key);
    }
}
