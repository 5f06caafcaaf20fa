package org.conch.feed.crypto;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** libsodium's crypto_auth: HMAC-SHA-512 truncated to 32 bytes; the hello of the handshake carries one. */
class HmacTest {

    @Test
    void theClientAndServerHellosStartWithTheHmacOfTheirEphemeralKeys() {
        byte[] networkKey = PythonVectors.load().get("network_identifier");
        assertThat(Hmac.auth(networkKey, PythonVectors.load().get("client_ephemeral_pk")))
                .isEqualTo(Arrays.copyOf(PythonVectors.load().get("msg1_client_hello"), Hmac.TAG_SIZE));
        assertThat(Hmac.auth(networkKey, PythonVectors.load().get("server_ephemeral_pk")))
                .isEqualTo(Arrays.copyOf(PythonVectors.load().get("msg2_server_hello"), Hmac.TAG_SIZE));
    }

    @Test
    void verifyAcceptsOnlyTheExactTag() {
        byte[] key = SecretBoxTest.random(32, 9);
        byte[] message = "hello".getBytes();
        byte[] tag = Hmac.auth(key, message);

        assertThat(Hmac.verify(tag, key, message)).isTrue();
        for (int i = 0; i < tag.length; i++) {
            byte[] tampered = tag.clone();
            tampered[i] ^= 0x40;
            assertThat(Hmac.verify(tampered, key, message)).isFalse();
        }
        assertThat(Hmac.verify(Arrays.copyOf(tag, 31), key, message)).isFalse();
    }

    @Test
    void theKeyHas32Bytes() {
        assertThatThrownBy(() -> Hmac.auth(new byte[16], new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }
}
