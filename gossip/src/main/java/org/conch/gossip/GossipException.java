package org.conch.gossip;

/**
 * Root of every error the gossip module raises: a handshake that fails, a frame that does not
 * decode, a peer that breaks the RPC protocol. Such an error closes that one connection and is
 * logged naming the peer; it never takes the process down.
 */
public class GossipException extends RuntimeException {
    public GossipException(String message) {
        super(message);
    }

    public GossipException(String message, Throwable cause) {
        super(message, cause);
    }
}
