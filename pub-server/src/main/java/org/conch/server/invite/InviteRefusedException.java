package org.conch.server.invite;

/**
 * An invite could not be redeemed. The message is the text the JS pub (ssb-invite) answers with where
 * there is one ({@code feed to follow is missing}, {@code already following}, {@code invite has expired}),
 * so that clients which show or match it behave the same with conch.
 */
public final class InviteRefusedException extends RuntimeException {
    private final InviteStatus status;

    public InviteRefusedException(String message, InviteStatus status) {
        super(message);
        this.status = status;
    }

    /** Why, when the invite itself refused (used up, expired, revoked, unknown); LIVE for a bad request. */
    public InviteStatus status() {
        return status;
    }
}
