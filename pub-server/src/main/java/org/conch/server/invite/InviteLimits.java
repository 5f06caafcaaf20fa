package org.conch.server.invite;

import java.time.Duration;

/**
 * The most an operator's invite may allow on this server: {@code maxUses} redemptions and an expiry of at
 * most {@code maxDays} (the settings {@code invite-max-uses} and {@code invite-max-days}). A request over a
 * limit is refused with a message naming the setting, so the operator knows what to raise.
 */
public record InviteLimits(int maxUses, int maxDays) {
    /** The widest limits the settings allow, for checking a request before the server has its say. */
    public static final InviteLimits CEILINGS = new InviteLimits(InviteTerms.MAX_USES, InviteTerms.MAX_VALIDITY_DAYS);

    public InviteLimits {
        if (maxUses < 1 || maxUses > InviteTerms.MAX_USES) {
            throw new IllegalArgumentException("invite-max-uses must be from 1 to " + InviteTerms.MAX_USES + ", got " + maxUses);
        }
        if (maxDays < 1 || maxDays > InviteTerms.MAX_VALIDITY_DAYS) {
            throw new IllegalArgumentException("invite-max-days must be from 1 to " + InviteTerms.MAX_VALIDITY_DAYS + ", got " + maxDays);
        }
    }

    /**
     * The terms of an invite asked for with {@code uses}, {@code expires} (as {@link InviteTerms#parseValidity}
     * takes it; null: no expiry) and {@code note} (null: none).
     *
     * @throws IllegalArgumentException saying what is wrong, naming the setting when a limit is exceeded
     */
    public InviteTerms terms(long uses, String expires, String note) {
        if (uses < 1 || uses > maxUses) {
            throw new IllegalArgumentException("uses must be between 1 and " + maxUses + " (invite-max-uses), got " + uses);
        }
        Duration validFor = expires == null ? null : InviteTerms.parseValidity(expires);
        if (validFor != null && (validFor.isZero() || validFor.compareTo(Duration.ofDays(maxDays)) > 0)) {
            throw new IllegalArgumentException("expiry must be between 1m and " + maxDays + "d (invite-max-days), got " + expires);
        }
        return new InviteTerms((int) uses, validFor, note);
    }
}
