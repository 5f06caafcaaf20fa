package org.conch.feed.ref;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.conch.feed.FeedId;
import org.junit.jupiter.api.Test;

class InviteCodeTest {
    private static final String KEY = "gYCJpN4eGDjHFnWW2Fcusj8O4QYbVDUW6rNYh7nNEnc=";
    private static final String SEED = "DxiHEv+ds+zUzA49efDgZk8ssGeqrp/5kgvRVzTM7vU=";
    private static final FeedId PUB = FeedId.parse("@" + KEY + ".ed25519");
    private static final String CLASSIC = "145.12.20.3:8080:@" + KEY + ".ed25519~" + SEED;
    private static final String MULTISERVER = "net:145.12.20.3:8080~shs:" + KEY + ":" + SEED;

    @Test
    void theClassicFormGivesHostPortPubKeyAndSeed() {
        InviteCode invite = InviteCode.parse(CLASSIC);

        assertThat(invite.host()).isEqualTo("145.12.20.3");
        assertThat(invite.port()).isEqualTo(8080);
        assertThat(invite.pubKey()).isEqualTo(PUB);
        assertThat(invite.seed()).isEqualTo(Base64.getDecoder().decode(SEED));
        assertThat(invite.redirect()).isEmpty();
        assertThat(invite).hasToString(CLASSIC);
    }

    @Test
    void theMultiserverFormIsTheSameInvite() {
        InviteCode invite = InviteCode.parse(MULTISERVER);

        assertThat(invite).isEqualTo(InviteCode.parse(CLASSIC));
        assertThat(invite).hasToString(CLASSIC);
        assertThat(invite.toMultiserverString()).isEqualTo(MULTISERVER);
        assertThat(invite.address()).isEqualTo(MultiserverAddress.parse("net:145.12.20.3:8080~shs:" + KEY));
    }

    @Test
    void aRedirectAfterTheFirstHashIsKeptInBothForms() {
        InviteCode classic = InviteCode.parse(CLASSIC + "#/profile#x");
        InviteCode multiserver = InviteCode.parse(MULTISERVER + "#/profile#x");

        assertThat(classic.redirect()).contains("/profile#x");
        assertThat(classic).isEqualTo(multiserver).hasToString(CLASSIC + "#/profile#x");
        assertThat(multiserver.toMultiserverString()).isEqualTo(MULTISERVER + "#/profile#x");
    }

    @Test
    void anIpv6HostKeepsItsColonsInBothForms() {
        String host = "fcbc:6c66:bcd4:d3b5:2a2a:60b3:9b86:498f";

        InviteCode classic = InviteCode.parse(host + ":8008:@" + KEY + ".ed25519~" + SEED);
        InviteCode multiserver = InviteCode.parse("net:" + host + ":8008~shs:" + KEY + ":" + SEED);

        assertThat(classic.host()).isEqualTo(host);
        assertThat(classic.port()).isEqualTo(8008);
        assertThat(classic).isEqualTo(multiserver);
    }

    @Test
    void itAgreesWithSsbRefsParseInvite() {
        for (String code : new String[] {CLASSIC, MULTISERVER, CLASSIC + "#0.5", MULTISERVER + "#0.5"}) {
            InviteCode invite = InviteCode.parse(code);
            Invite js = SsbRefs.parseInvite(code).orElseThrow();

            assertThat(invite.address().toString()).as(code).isEqualTo(js.remote());
            assertThat(invite.pubKey().toString()).as(code).isEqualTo(js.key());
            assertThat(invite.toMultiserverString()).as(code)
                    .isEqualTo(js.invite() + (js.redirect() == null ? "" : js.redirect()));
        }
    }

    @Test
    void aCodeWithoutSeedIsRefused() {
        assertThatThrownBy(() -> InviteCode.parse("145.12.20.3:8080:@" + KEY + ".ed25519"))
                .isInstanceOf(InvalidRefException.class)
                .hasMessageContaining("invite code has no seed");
        assertThatThrownBy(() -> InviteCode.parse("145.12.20.3:8080:@" + KEY + ".ed25519~"))
                .hasMessageContaining("invite code has no seed");
        assertThatThrownBy(() -> InviteCode.parse("net:145.12.20.3:8080~shs:" + KEY))
                .hasMessageContaining("invite code has no seed");
    }

    @Test
    void aPortOutOfRangeIsRefused() {
        assertThatThrownBy(() -> InviteCode.parse(CLASSIC.replace(":8080:", ":65536:")))
                .hasMessageContaining("port out of range: 65536");
        assertThatThrownBy(() -> InviteCode.parse(MULTISERVER.replace(":8080~", ":0~")))
                .hasMessageContaining("port out of range: 0");
        assertThatThrownBy(() -> InviteCode.parse(CLASSIC.replace(":8080:", "::")))
                .hasMessageContaining("port is missing");
    }

    @Test
    void badKeysSeedsAndShapesAreRefusedWithAReason() {
        assertThatThrownBy(() -> InviteCode.parse(CLASSIC.replace(".ed25519", ".sha256")))
                .hasMessageContaining("pub key:");
        assertThatThrownBy(() -> InviteCode.parse(CLASSIC.replace(SEED, SEED.substring(4))))
                .hasMessageContaining("seed is not base64 of 32 bytes");
        assertThatThrownBy(() -> InviteCode.parse(CLASSIC + "~" + SEED)).hasMessageContaining("more than one '~'");
        assertThatThrownBy(() -> InviteCode.parse("@" + KEY + ".ed25519~" + SEED))
                .hasMessageContaining("expected HOST:PORT:@KEY.ed25519~SEED");
        assertThatThrownBy(() -> InviteCode.parse(MULTISERVER + ":extra")).hasMessageContaining("after the seed");
        assertThatThrownBy(() -> InviteCode.parse("ws://145.12.20.3:8080~shs:" + KEY + ":" + SEED))
                .hasMessageContaining("unsupported transport \"ws\"");
        assertThatThrownBy(() -> InviteCode.parse("   ")).hasMessageContaining("invite code is empty");
        assertThatThrownBy(() -> InviteCode.parse("#only-a-redirect")).hasMessageContaining("invite code is empty");
        assertThatThrownBy(() -> InviteCode.parse(null)).isInstanceOf(InvalidRefException.class);
        assertThat(InviteCode.tryParse("http://example.com")).isEmpty();
    }

    @Test
    void theSeedCannotBeChangedFromOutside() {
        byte[] seed = Base64.getDecoder().decode(SEED);
        InviteCode invite = new InviteCode("145.12.20.3", 8080, PUB, seed);

        seed[0] ^= 1;
        invite.seed()[1] ^= 1;

        assertThat(invite).isEqualTo(InviteCode.parse(CLASSIC)).hasSameHashCodeAs(InviteCode.parse(CLASSIC));
        assertThatThrownBy(() -> new InviteCode("145.12.20.3", 8080, PUB, new byte[16]))
                .hasMessageContaining("seed must be 32 bytes");
    }
}
