package org.conch.feed;

import org.conch.feed.json.CanonicalJson;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Creates the next message of an identity's feed, exactly as ssb-validate's {@code create} and
 * ssb-keys' {@code signObj} do: fields in canonical order, signature over the UTF-8 of the pretty JSON
 * (through the sign cap, if any), id over the signed message.
 */
public final class MessageSigner {
    private MessageSigner() {
    }

    /**
     * @param previous  the feed's state, {@code null} for its first message
     * @param content   a JSON object of the {@link org.conch.feed.json.Json} model with a string type,
     *                  or an encrypted string
     * @param timestamp the author's clock, ms since the epoch
     */
    public static Message sign(Identity identity, FeedState previous, Object content, double timestamp, SignCap cap) {
        if (!cap.isValid()) {
            throw new FeedException("cannot sign with an invalid sign cap " + cap);
        }
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("previous", previous == null ? null : previous.id().toString());
        value.put("sequence", (double) (previous == null ? 1 : previous.sequence() + 1));
        value.put("author", identity.id().toString());
        value.put("timestamp", timestamp);
        value.put("hash", "sha256");
        value.put("content", content);
        byte[] signingBytes = CanonicalJson.pretty(value).getBytes(StandardCharsets.UTF_8);
        byte[] signature = identity.sign(cap.apply(signingBytes));
        value.put("signature", MessageValidator.signatureText(signature));
        return MessageValidator.checkSigned(identity.id(), value);
    }
}
