package org.conch.feed;

/**
 * Root of every error the feed module raises: bad refs, bad keys, invalid messages, store failures.
 * Unchecked, so callers handle it where they can say something useful about it.
 */
public class FeedException extends RuntimeException {
    public FeedException(String message) {
        super(message);
    }

    public FeedException(String message, Throwable cause) {
        super(message, cause);
    }
}
