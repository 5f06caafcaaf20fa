package org.conch.feed.ref;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.conch.feed.testing.Fuzz;
import org.conch.feed.testing.FuzzSeeds;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invite codes as a person pastes them (or a web page hands them over): {@link InviteCode#parse} returns a code
 * or throws {@link InvalidRefException}, {@link InviteCode#tryParse} never throws, and a code that parses writes
 * back, in either spelling, as text that parses to the same code. ssb-ref's invite functions throw nothing but
 * {@link InvalidRefException} either.
 */
@Fuzz.Target
class InviteCodeFuzzTest {

    @Property(tries = 3_000)
    void invitesParseOrAreRefused(@ForAll("invites") String text) {
        InviteCode code = Fuzz.call(() -> InviteCode.parse(text)).allowing(InvalidRefException.class);
        assertThat(Fuzz.call(() -> InviteCode.tryParse(text)).allowing()).isEqualTo(java.util.Optional.ofNullable(code));
        Statistics.collect(code != null ? "parsed" : "refused");
        if (code != null) {
            assertThat(InviteCode.parse(code.toString())).isEqualTo(code);
            assertThat(InviteCode.parse(code.toMultiserverString())).isEqualTo(code);
        }
    }

    @Property(tries = 2_000)
    void ssbRefReadsInvitesOrThrowsItsOwnError(@ForAll("invites") String text) {
        Fuzz.run(() -> {
            SsbRefs.isInvite(text);
            SsbRefs.isLegacyInvite(text);
            SsbRefs.isMultiServerInvite(text);
            SsbRefs.parseInvite(text);
            SsbRefs.parseMultiServerInvite(text);
        }).allowing();
        Fuzz.call(() -> SsbRefs.parseLegacyInvite(text)).allowing(InvalidRefException.class);
    }

    @Provide
    Arbitrary<String> invites() {
        return FuzzSeeds.refLike("parseInvite", "isInvite", "isMultiServerInvite", "parseMultiServerInvite",
                "parseLegacyInvite", "isLegacyInvite");
    }
}
