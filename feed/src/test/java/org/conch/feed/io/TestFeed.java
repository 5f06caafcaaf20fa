package org.conch.feed.io;

import org.conch.feed.FeedId;
import org.conch.feed.FeedState;
import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.feed.MessageSigner;
import org.conch.feed.SignCap;
import org.conch.feed.json.CanonicalJson;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** A feed signed by a fixed test key, grown message by message; forks are made from any earlier state. */
final class TestFeed {
    private static final double FIRST_TIMESTAMP = 1_700_000_000_000.0;

    private final Identity identity;
    private FeedState state;

    TestFeed(int seedByte) {
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) seedByte);
        this.identity = Identity.fromSeed(seed);
    }

    FeedId id() {
        return identity.id();
    }

    /** Signs and returns the feed's next message, a post with this text. */
    Message next(String text) {
        Message message = signAfter(state, text);
        state = FeedState.of(message);
        return message;
    }

    /** A message that claims to follow {@code previous} (null: the first) without becoming the feed's latest. */
    Message signAfter(Message previous, String text) {
        return signAfter(previous == null ? null : FeedState.of(previous), text);
    }

    private Message signAfter(FeedState previous, String text) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("type", "post");
        content.put("text", text);
        long sequence = previous == null ? 1 : previous.sequence() + 1;
        return MessageSigner.sign(identity, previous, content, FIRST_TIMESTAMP + sequence, SignCap.NONE);
    }

    /** The message value as one compact JSON line. */
    static String line(Message message) {
        return message.compactJson();
    }

    /** The {key,value,timestamp} line of a message, with any key. */
    static String kvtLine(String key, Message message) {
        return "{\"key\":\"" + key + "\",\"value\":" + message.compactJson() + ",\"timestamp\":1700000009999}";
    }

    /** The message with one character of its signature changed: still well-formed, no longer valid. */
    static String tamperedSignatureLine(Message message) {
        Map<String, Object> value = new LinkedHashMap<>(message.value());
        String signature = (String) value.get("signature");
        char flipped = signature.charAt(10) == 'A' ? 'B' : 'A';
        value.put("signature", signature.substring(0, 10) + flipped + signature.substring(11));
        return CanonicalJson.compact(value);
    }

    /** The message with its content changed after signing. */
    static String tamperedContentLine(Message message) {
        Map<String, Object> value = new LinkedHashMap<>(message.value());
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("type", "post");
        content.put("text", "not what was signed");
        value.put("content", content);
        return CanonicalJson.compact(value);
    }
}
