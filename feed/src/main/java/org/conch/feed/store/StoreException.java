package org.conch.feed.store;

import org.conch.feed.FeedException;

/** The store could not be opened, read or written. */
public class StoreException extends FeedException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
