package org.conch.gossip.net;

/**
 * Why a {@link PeerConnection} ended: the first cause wins, later ones are ignored.
 *
 * @param kind    what ended it
 * @param message the detail, as logged
 */
public record CloseReason(Kind kind, String message) {
    /** What ended a connection. */
    public enum Kind {
        /** This side closed it ({@link PeerConnection#close(String)}, the node closing). */
        LOCAL(false),
        /** The peer said goodbye (muxrpc or box-stream) and we answered with ours. */
        GOODBYE(false),
        /** The TCP connection went away without a goodbye. */
        DISCONNECTED(false),
        /** The secret handshake failed (wrong network key, authentication, a refused client). */
        HANDSHAKE_FAILED(true),
        /** The handshake did not complete in time. */
        HANDSHAKE_TIMEOUT(true),
        /** The peer broke box-stream or muxrpc. */
        PROTOCOL_ERROR(true),
        /** A bug on our side surfaced while serving the connection. */
        INTERNAL_ERROR(true);

        private final boolean error;

        Kind(boolean error) {
            this.error = error;
        }

        /** Whether this end is a failure rather than a normal way for a connection to end. */
        public boolean isError() {
            return error;
        }
    }

    public CloseReason {
        if (kind == null || message == null) {
            throw new IllegalArgumentException("a close reason needs a kind and a message");
        }
    }

    public boolean isError() {
        return kind.isError();
    }

    @Override
    public String toString() {
        return kind + ": " + message;
    }
}
