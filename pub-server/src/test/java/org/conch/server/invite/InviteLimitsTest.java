package org.conch.server.invite;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InviteLimitsTest {
    private final InviteLimits limits = new InviteLimits(500, 30);

    @Test
    void termsWithinTheLimitsAreTaken() {
        assertThat(limits.terms(500, "30d", "hi")).isEqualTo(new InviteTerms(500, Duration.ofDays(30), "hi"));
        assertThat(limits.terms(1, null, null)).isEqualTo(InviteTerms.singleUse());
        assertThat(limits.terms(2, "720h", null).validFor()).isEqualTo(Duration.ofDays(30));
    }

    @Test
    void usesOverTheLimitAreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> limits.terms(1000, null, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("uses must be between 1 and 500 (invite-max-uses), got 1000");
        assertThatThrownBy(() -> limits.terms(0, null, null))
                .hasMessage("uses must be between 1 and 500 (invite-max-uses), got 0");
        assertThatThrownBy(() -> InviteLimits.CEILINGS.terms(5_000_000_000L, null, null))
                .hasMessage("uses must be between 1 and 1000000 (invite-max-uses), got 5000000000");
    }

    @Test
    void anExpiryOverTheLimitOrOfNothingIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> limits.terms(1, "31d", null))
                .hasMessage("expiry must be between 1m and 30d (invite-max-days), got 31d");
        assertThatThrownBy(() -> limits.terms(1, "721h", null))
                .hasMessage("expiry must be between 1m and 30d (invite-max-days), got 721h");
        assertThatThrownBy(() -> limits.terms(1, "0m", null))
                .hasMessage("expiry must be between 1m and 30d (invite-max-days), got 0m");
        assertThatThrownBy(() -> InviteLimits.CEILINGS.terms(1, "99999d", null))
                .hasMessage("expiry must be between 1m and 3650d (invite-max-days), got 99999d");
        assertThatThrownBy(() -> limits.terms(1, "soon", null)).hasMessageContaining("expiry must be a number and d, h or m");
    }

    @Test
    void theNoteLimitStaysAConstant() {
        assertThatThrownBy(() -> limits.terms(1, null, "x".repeat(InviteTerms.MAX_NOTE_LENGTH + 1)))
                .hasMessageContaining("note must be at most " + InviteTerms.MAX_NOTE_LENGTH);
    }

    @Test
    void limitsBeyondTheCeilingsCannotBeMade() {
        assertThatThrownBy(() -> new InviteLimits(InviteTerms.MAX_USES + 1, 1)).hasMessageContaining("invite-max-uses");
        assertThatThrownBy(() -> new InviteLimits(1, 0)).hasMessageContaining("invite-max-days");
    }
}
