package org.conch.feed;

import org.conch.feed.json.CanonicalJson;
import org.conch.feed.json.Json;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A signed message of the classic feed format that passed validation (or was read back from the
 * store, where only validated messages go). The value keeps its wire key order, so re-encoding it
 * reproduces the signed bytes.
 */
public final class Message {
    private static final byte[] STRING_CONTENT = "\"content\":\"".getBytes(StandardCharsets.US_ASCII);

    private final MessageId key;
    private final FeedId author;
    private final long sequence;
    // Set at construction, or parsed from compactUtf8 on first use: a sender that forwards stored
    // messages as they are never parses them. Volatile so a message read on one thread and used on
    // another sees a complete map.
    private volatile Map<String, Object> value;
    private volatile String compactJson;
    private final byte[] compactUtf8;

    Message(MessageId key, FeedId author, long sequence, Map<String, Object> value) {
        this(key, author, sequence, value, null);
    }

    /** With {@code compactUtf8}, the value's compact JSON in UTF-8 when the caller has it already. */
    Message(MessageId key, FeedId author, long sequence, Map<String, Object> value, byte[] compactUtf8) {
        this.key = key;
        this.author = author;
        this.sequence = sequence;
        this.value = value;
        this.compactUtf8 = compactUtf8;
    }

    /**
     * A message read back from conch's own store: its key was computed when it was validated, so it
     * is only parsed here, not verified again.
     */
    public static Message fromStore(MessageId key, String compactJson) {
        Map<String, Object> value = Json.parseObject(compactJson);
        Message message = new Message(key, FeedId.parse((String) value.get("author")),
                ((Double) value.get("sequence")).longValue(), value);
        message.compactJson = compactJson;
        return message;
    }

    /**
     * A message read back from conch's own store whose author and sequence come from the row: its
     * value is parsed only when something asks for it.
     */
    public static Message fromStore(MessageId key, FeedId author, long sequence, byte[] compactUtf8) {
        return new Message(key, author, sequence, null, compactUtf8);
    }

    public MessageId key() {
        return key;
    }

    public FeedId author() {
        return author;
    }

    public long sequence() {
        return sequence;
    }

    /** The previous message of the feed; null for the first. */
    public MessageId previous() {
        Object previous = value().get("previous");
        return previous instanceof String s ? MessageId.tryParse(s).orElse(null) : null;
    }

    /** The author's claimed time in ms since the epoch; NaN when a later message carries no number there. */
    public double timestamp() {
        return value().get("timestamp") instanceof Double d ? d : Double.NaN;
    }

    /** The content: a JSON object (Map) or, for a private message, its encrypted string. */
    public Object content() {
        return value().get("content");
    }

    /** The content type, or null for private (encrypted) content. */
    public String type() {
        return content() instanceof Map<?, ?> map && map.get("type") instanceof String type ? type : null;
    }

    /**
     * Whether the content is a string: a private message. A message read back from the store is answered
     * from its bytes when they cannot hold string content, without parsing it: looking through a store
     * for private messages otherwise parsed every message in it.
     */
    public boolean isEncrypted() {
        if (value == null && compactUtf8 != null && !mayHoldStringContent(compactUtf8)) return false;
        return content() instanceof String;
    }

    /**
     * False when compact JSON has no {@code "content":"} anywhere, so no string content. JSON.stringify writes
     * that key exactly so and escapes every quote inside a string, so the bytes of a value whose content is
     * a string always hold it; other values may hold it too (a nested key), and are parsed to be sure.
     */
    static boolean mayHoldStringContent(byte[] compactUtf8) {
        byte[] wanted = STRING_CONTENT;
        int last = compactUtf8.length - wanted.length;
        outer:
        for (int at = 0; at <= last; at++) {
            if (compactUtf8[at] != '"') continue;
            for (int i = 1; i < wanted.length; i++) {
                if (compactUtf8[at + i] != wanted[i]) continue outer;
            }
            return true;
        }
        return false;
    }

    /** The message value in wire key order; do not modify. */
    public Map<String, Object> value() {
        Map<String, Object> parsed = value;
        if (parsed == null) {
            // From the stored bytes when there are any: no String of the whole message first.
            parsed = compactUtf8 != null ? Json.parseObject(compactUtf8) : Json.parseObject(compactJson());
            value = parsed;
        }
        return parsed;
    }

    /** The value as compact JSON, as peers send and conch stores it. */
    public String compactJson() {
        String json = compactJson;
        if (json == null) {
            json = compactUtf8 != null ? new String(compactUtf8, StandardCharsets.UTF_8) : CanonicalJson.compact(value);
            compactJson = json;
        }
        return json;
    }

    /** The compact JSON in UTF-8: as stored (do not modify) or freshly encoded. */
    public byte[] compactUtf8() {
        return compactUtf8 != null ? compactUtf8 : compactJson().getBytes(StandardCharsets.UTF_8);
    }

    /** The value as {@code JSON.stringify(value, null, 2)}: the form its id is the hash of. */
    public String prettyJson() {
        return CanonicalJson.pretty(value());
    }

    /** The key-value-timestamp wrapping peers and the CLI use, as compact JSON. */
    public String toKvtJson(double receivedTimestamp) {
        StringBuilder out = new StringBuilder(compactJson().length() + 96);
        out.append("{\"key\":");
        CanonicalJson.quote(out, key.toString());
        out.append(",\"value\":").append(compactJson());
        out.append(",\"timestamp\":").append(org.conch.feed.json.JsNumbers.toJson(receivedTimestamp)).append('}');
        return out.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Message that && key.equals(that.key);
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }

    @Override
    public String toString() {
        return author + ":" + sequence + " " + key;
    }
}
