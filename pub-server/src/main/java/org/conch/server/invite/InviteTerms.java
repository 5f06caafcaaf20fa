package org.conch.server.invite;

import java.time.Duration;

/**
 * What an invite to be created allows: how many redemptions, for how long (null: no expiry), and the
 * note the pub publishes with the follow of each newcomer (null: none).
 */
public record InviteTerms(int uses, Duration validFor, String note) {
    public static final int DEFAULT_USES = 1;
    /** The most uses any invite may allow: the ceiling (and default) of the setting invite-max-uses. */
    public static final int MAX_USES = 1_000_000;
    public static final int MAX_NOTE_LENGTH = 1000;
    /** The longest expiry any invite may have: the ceiling (and default) of the setting invite-max-days. */
    public static final int MAX_VALIDITY_DAYS = 3650;
    private static final java.util.regex.Pattern VALIDITY = java.util.regex.Pattern.compile("(\\d{1,9})([dhm])");

    public InviteTerms {
        if (uses < 1 || uses > MAX_USES) {
            throw new IllegalArgumentException("uses must be between 1 and " + MAX_USES + ", got " + uses);
        }
        if (validFor != null && (validFor.isNegative() || validFor.isZero())) {
            throw new IllegalArgumentException("expiry must be a positive duration, got " + validFor);
        }
        if (note != null && note.length() > MAX_NOTE_LENGTH) {
            throw new IllegalArgumentException("note must be at most " + MAX_NOTE_LENGTH + " characters, got " + note.length());
        }
        if (note != null && note.isEmpty()) note = null;
    }

    /**
     * Parses an expiry as the CLI and the HTTP API take it: a whole number and a unit, {@code d} (days),
     * {@code h} (hours) or {@code m} (minutes), e.g. {@code 7d}, {@code 12h}, {@code 30m}. How long it may be
     * is the server's to say: see {@link InviteLimits}.
     */
    public static Duration parseValidity(String text) {
        java.util.regex.Matcher matcher = VALIDITY.matcher(text == null ? "" : text.strip());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("expiry must be a number and d, h or m (7d, 12h, 30m), got '" + text + "'");
        }
        long amount = Long.parseLong(matcher.group(1)); // at most 9 digits: no overflow below
        Duration validity = switch (matcher.group(2)) {
            case "d" -> Duration.ofDays(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofMinutes(amount);
        };
        return validity;
    }

    public static InviteTerms singleUse() {
        return new InviteTerms(DEFAULT_USES, null, null);
    }
}
