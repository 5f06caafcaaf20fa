package org.conch.feed.json;

import org.conch.feed.FeedException;

/** Text that is not JSON as JavaScript's {@code JSON.parse} reads it. */
public class JsonException extends FeedException {
    public JsonException(String message) {
        super(message);
    }

    public JsonException(String message, Throwable cause) {
        super(message, cause);
    }
}
