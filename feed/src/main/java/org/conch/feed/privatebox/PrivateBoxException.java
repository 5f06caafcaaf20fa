package org.conch.feed.privatebox;

import org.conch.feed.FeedException;

/** A private message that cannot be boxed as asked: no recipient, or more than private-box takes. */
public class PrivateBoxException extends FeedException {
    public PrivateBoxException(String message) {
        super(message);
    }
}
