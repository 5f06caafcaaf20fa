package org.conch.feed;

/**
 * A message that ssb-validate would refuse. Names the author and sequence as the message claims
 * them (they may themselves be malformed) and the rule it broke.
 */
public class InvalidMessageException extends FeedException {
    /** The rules of ssb-validate 4.1.4, in the order it checks them. */
    public enum Reason {
        NOT_AN_OBJECT("message is not a JSON object"),
        BAD_AUTHOR("author is not a feed id"),
        BAD_SIGNATURE_FORMAT("signature is not canonical base64 of 64 bytes ending .sig.<author's curve>"),
        WRONG_SEQUENCE("sequence does not follow the feed's latest"),
        FORK("previous is not the feed's latest message: a fork"),
        FIRST_PREVIOUS_NOT_NULL("the first message of a feed must have previous: null"),
        FIRST_SEQUENCE_NOT_ONE("the first message of a feed must have sequence: 1"),
        FIRST_TIMESTAMP_NOT_NUMBER("the first message of a feed must have a numeric timestamp"),
        KEY_ORDER("keys must be previous, author, sequence, timestamp, hash, content, signature in that order"),
        BAD_SHAPE("sequence must be a 32-bit integer, content an object or encrypted string, hash \"sha256\""),
        TOO_LARGE("the signed JSON is longer than 8192 UTF-16 code units"),
        BAD_TYPE("content.type must be a string of 3 to 52 UTF-16 code units"),
        BAD_HMAC_KEY("the HMAC sign cap is not canonical base64 of 32 bytes"),
        BAD_SIGNATURE("signature does not verify");

        private final String description;

        Reason(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    private final String author;
    private final Object sequence;
    private final Reason reason;

    public InvalidMessageException(String author, Object sequence, Reason reason, String detail) {
        super(describe(author, sequence, reason, detail));
        this.author = author;
        this.sequence = sequence;
        this.reason = reason;
    }

    private static String describe(String author, Object sequence, Reason reason, String detail) {
        String where = (author == null ? "unknown author" : author) + ":" + sequenceText(sequence);
        return where + ": " + reason.description() + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")");
    }

    private static String sequenceText(Object sequence) {
        if (sequence instanceof Double d) return org.conch.feed.json.JsNumbers.toJsString(d);
        return String.valueOf(sequence);
    }

    /** The author the message claims, or null when it has none that is a string. */
    public String author() {
        return author;
    }

    /** The sequence the message claims, as found (usually a Double, possibly anything). */
    public Object sequence() {
        return sequence;
    }

    public Reason reason() {
        return reason;
    }

    /** True for a second message at a sequence the feed already has: a fork to record, not noise. */
    public boolean isFork() {
        return reason == Reason.FORK;
    }
}
