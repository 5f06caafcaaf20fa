package org.conch.feed.ref;

import org.conch.feed.FeedException;

/** A ref, address or invite code that does not parse; the message names the input and what is wrong with it. */
public class InvalidRefException extends FeedException {
    public InvalidRefException(String message) {
        super(message);
    }

    /** "invalid {what} "{input}": {reason}", with the input quoted so that stray whitespace shows. */
    static InvalidRefException of(String what, String input, String reason) {
        return new InvalidRefException("invalid " + what + " " + quote(input) + ": " + reason);
    }

    /** The input in double quotes, control characters escaped and long input shortened, for one-line messages. */
    static String quote(String input) {
        if (input == null) return "null";
        int limit = 120;
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < input.length() && i < limit; i++) {
            char c = input.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || Character.isSurrogate(c) || c == '\u2028'
                            || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (input.length() > limit) out.append("…(").append(input.length()).append(" chars)");
        return out.append('"').toString();
    }
}
