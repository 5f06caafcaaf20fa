package org.conch.gossip.room;

import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** room.registerAlias's checks: an RFC 1035 label, signed by the member over the room, the member and the alias. */
class AliasRegistrationTest {
    private final FeedId room = Identity.generate().id();
    private final Identity member = Identity.generate();

    /** ssb-keys' sign(keys, text): base64 of the detached signature, then ".sig.ed25519". */
    private String signature(Identity signer, FeedId who, String alias) {
        return Base64.getEncoder().encodeToString(signer.sign(AliasRegistration.signedText(room, who, alias))) + ".sig.ed25519";
    }

    @Test
    void theMembersOwnSignatureOverTheRegistrationTextIsAccepted() {
        assertThatCode(() -> AliasRegistration.check(room, member.id(), "alice-94", signature(member, member.id(), "alice-94")))
                .doesNotThrowAnyException();
    }

    @Test
    void aSignatureOfAnotherAliasOrAnotherKeyIsRefused() {
        assertThatThrownBy(() -> AliasRegistration.check(room, member.id(), "alice", signature(member, member.id(), "bob")))
                .hasMessageContaining("does not verify");
        Identity other = Identity.generate();
        assertThatThrownBy(() -> AliasRegistration.check(room, member.id(), "alice", signature(other, member.id(), "alice")))
                .hasMessageContaining("does not verify");
        assertThatThrownBy(() -> AliasRegistration.check(room, member.id(), "alice", "c2lnbmF0dXJl.sig.ed25519"))
                .hasMessageContaining("does not verify");
        assertThatThrownBy(() -> AliasRegistration.check(room, member.id(), "alice", "not a signature"))
                .hasMessageContaining("BASE64.sig.ed25519");
    }

    @Test
    void anAliasMustBeALowerCaseDomainLabel() {
        for (String bad : new String[]{"", "Alice", "1alice", "alice-", "al.ice", "al ice", "a".repeat(64)}) {
            assertThatThrownBy(() -> AliasRegistration.check(room, member.id(), bad, signature(member, member.id(), bad)))
                    .as(bad).hasMessageContaining("domain label");
        }
        assertThatCode(() -> AliasRegistration.check(room, member.id(), "a".repeat(63), signature(member, member.id(), "a".repeat(63))))
                .doesNotThrowAnyException();
    }
}
