package org.conch.feed.io;

import org.conch.feed.InvalidMessageException;
import org.conch.feed.Message;

/**
 * One non-blank line of a JSON-lines file of messages after every check that needs no feed state:
 * parsed, unwrapped from {@code {key,value,timestamp}} if need be, and verified by
 * {@link org.conch.feed.MessageValidator#validateDetached}.
 */
sealed interface DecodedLine {
    long number();

    /** The line holds no message to validate: too long, not JSON, or a malformed wrapper. */
    record Unreadable(long number, String error) implements DecodedLine {
    }

    /** The line's message value failed the state-free rules; {@code value} is kept to re-check in feed order. */
    record Invalid(long number, Object value, InvalidMessageException error) implements DecodedLine {
    }

    /**
     * The line's message passed the state-free rules; {@code claimedKey} is the wrapper's key, null for a
     * bare value or a wrapper without one.
     */
    record Decoded(long number, Message message, String claimedKey) implements DecodedLine {
        /** Why the wrapper's key is wrong, or null when it is absent or right. */
        String keyMismatch() {
            if (claimedKey == null || claimedKey.equals(message.key().toString())) return null;
            return message.author() + ":" + message.sequence() + ": the line's key " + claimedKey
                    + " is not the message's id " + message.key();
        }
    }
}
