package org.conch.server.invite;

/** Whether an invite can still be redeemed, and if not, why. */
public enum InviteStatus {
    LIVE("live"),
    USED_UP("used up"),
    EXPIRED("expired"),
    REVOKED("revoked"),
    /** No invite has that key (only the answer of a redemption, never of a stored invite). */
    UNKNOWN("unknown");

    private final String label;

    InviteStatus(String label) {
        this.label = label;
    }

    /** How {@code conch invite list} and the HTTP API spell it. */
    public String label() {
        return label;
    }
}
