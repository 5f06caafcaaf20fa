package org.conch.feed.privatebox;

import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.feed.crypto.Curve25519;

import java.util.Map;
import java.util.Optional;

/**
 * Opens the private contents one identity can read. Its Curve25519 secret is computed once here, so that
 * trying a received box costs one X25519 with the box's one-time key and at most
 * {@value PrivateBox#SLOTS_TRIED} secretbox openings of 49 bytes.
 */
public final class PrivateReader {
    private final FeedId id;
    private final byte[] curveSecret;

    public PrivateReader(Identity identity) {
        this.id = identity.id();
        this.curveSecret = Curve25519.secretFromEd25519Seed(identity.seed());
    }

    /** The identity this reader opens boxes for. */
    public FeedId id() {
        return id;
    }

    /** Whether {@code content} is a box1 content string (ssb-keys' {@code base64 + ".box"}); box2 and others are not. */
    public static boolean isBoxed(Object content) {
        return content instanceof String text && text.endsWith(PrivateContent.SUFFIX);
    }

    /** The key of this identity's slot in {@code content}, empty when it is no box1 string or none of its slots is ours. */
    public Optional<UnboxKey> unboxKey(Object content) {
        if (!isBoxed(content)) return Optional.empty();
        return PrivateContent.unboxKey((String) content, curveSecret);
    }

    /** The content a kept key opens, when it is a JSON object (what a message's content must be). */
    @SuppressWarnings("unchecked")
    public static Optional<Map<String, Object>> open(Object content, UnboxKey key) {
        if (!isBoxed(content)) return Optional.empty();
        return PrivateContent.unboxBody((String) content, key)
                .filter(Map.class::isInstance)
                .map(opened -> (Map<String, Object>) opened);
    }
}
