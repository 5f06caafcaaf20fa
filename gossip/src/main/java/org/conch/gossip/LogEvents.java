package org.conch.gossip;

import org.conch.feed.ref.MultiserverAddress;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Key-values of log events (slf4j's fluent API) that several classes attach: an operator filters on them.
 * The keys conch uses: {@code peer} (the {@code @…ed25519} id, or the remote address while the id is not
 * known), {@code address} ({@code HOST:PORT}), {@code feed}, {@code seq} (a message's sequence number),
 * {@code blob}, {@code reason}.
 */
public final class LogEvents {
    private LogEvents() {
    }

    /** {@code peer} and {@code address} of a peer we dial or heard of. */
    public static LoggingEventBuilder peer(LoggingEventBuilder event, MultiserverAddress peer) {
        return event.addKeyValue("peer", peer.key()).addKeyValue("address", peer.hostPort());
    }
}
