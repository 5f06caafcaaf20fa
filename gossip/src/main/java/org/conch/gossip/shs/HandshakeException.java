package org.conch.gossip.shs;

import org.conch.gossip.GossipException;

/** A secret handshake that failed, with the step's {@link Reason}. The connection is to be closed. */
public class HandshakeException extends GossipException {
    /** Why a handshake failed, as seen by the side that raised it. */
    public enum Reason {
        /** The hello's HMAC does not verify under our network key. */
        WRONG_NETWORK_KEY("wrong network key or not a Scuttlebutt peer"),
        /** msg3 does not open or its signature does not verify (or the client dialled another key). */
        CLIENT_AUTHENTICATION_FAILED("client authentication failed"),
        /** The client authenticated but the server's authorizer does not accept its key. */
        CLIENT_REFUSED("server refused this client"),
        /** msg4 does not open or the server's signature does not verify: not the server we dialled. */
        SERVER_AUTHENTICATION_FAILED("server authentication failed"),
        /** A key that is not a usable curve point (small order, not on the curve). */
        INVALID_KEY("a key is not a usable curve point"),
        /** A message that is not exactly the size its step requires. */
        WRONG_MESSAGE_SIZE("a handshake message has the wrong size");

        private final String description;

        Reason(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    private final Reason reason;

    public HandshakeException(Reason reason, String detail) {
        super(reason.description() + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")"));
        this.reason = reason;
    }

    public HandshakeException(Reason reason, String detail, Throwable cause) {
        super(reason.description() + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")"), cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
