package org.conch.gossip;

import org.slf4j.Logger;

import java.util.List;

/** Closing a list of subscriptions (store listeners, graph listeners) at shutdown, each failure only logged. */
public final class Subscriptions {
    private Subscriptions() {
    }

    /** Closes each and empties the list; a failure is logged at debug level and does not stop the rest. */
    public static void closeAll(List<AutoCloseable> subscriptions, Logger log, String what) {
        for (AutoCloseable subscription : subscriptions) {
            try {
                subscription.close();
            } catch (Exception e) {
                log.debug("closing a {} subscription failed: {}", what, e.toString());
            }
        }
        subscriptions.clear();
    }
}
