package org.conch.gossip.net;

import java.net.BindException;

/** Recognises a listen that failed because something else listens on that port already. */
public final class AddressInUse {
    private AddressInUse() {
    }

    public static boolean isCauseOf(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            // Netty's native transports report it as an IOException with the system's message, not a BindException
            if (cause instanceof BindException || String.valueOf(cause.getMessage()).contains("Address already in use")) return true;
        }
        return false;
    }
}
