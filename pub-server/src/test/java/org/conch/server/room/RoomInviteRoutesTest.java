package org.conch.server.room;

import org.conch.feed.Identity;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** An HTTP invite's token is the base64url of its key pair's seed: the key the invite store knows it by. */
class RoomInviteRoutesTest {
    @Test
    void aTokenNamesTheKeyOfItsSeed() {
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) 0xfb); // base64url differs from base64 here: "-" and "_"
        String token = RoomInviteRoutes.token(seed);
        assertThat(token).hasSize(43).doesNotContain("=", "+", "/");
        assertThat(RoomInviteRoutes.inviteKey(token)).isEqualTo(Identity.fromSeed(seed).id());
    }

    @Test
    void anythingButTheBase64urlOfThirtyTwoBytesIsNoInvite() {
        assertThat(RoomInviteRoutes.inviteKey(null)).isNull();
        assertThat(RoomInviteRoutes.inviteKey("")).isNull();
        assertThat(RoomInviteRoutes.inviteKey("not base64!")).isNull();
        assertThat(RoomInviteRoutes.inviteKey(RoomInviteRoutes.token(new byte[31]))).isNull();
    }
}
