package org.conch.gossip.net;

import org.conch.gossip.GossipException;

/**
 * A connection that could not be made or did not survive its handshake for a reason outside the
 * handshake's own checks: a timeout, the socket closing early, a connection limit, dialling ourselves.
 * Failures of the handshake itself are {@link org.conch.gossip.shs.HandshakeException}s.
 */
public class PeerConnectionException extends GossipException {
    private final CloseReason reason;

    public PeerConnectionException(CloseReason reason) {
        super(reason.message());
        this.reason = reason;
    }

    public PeerConnectionException(String message) {
        this(new CloseReason(CloseReason.Kind.LOCAL, message));
    }

    /** How the connection ended, when it got that far. */
    public CloseReason reason() {
        return reason;
    }
}
