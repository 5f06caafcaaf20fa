package org.conch.feed.crypto;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** XSalsa20-Poly1305 as libsodium's crypto_secretbox_easy: box = tag[16] ‖ ciphertext. */
class SecretBoxTest {
    private static final byte[] ZERO_NONCE = new byte[SecretBox.NONCE_SIZE];

    @Test
    void sealsTheClientAuthenticationOfThePythonHandshakeByteForByte() {
        byte[] key = Sha256.hash(PythonVectors.load().get("network_identifier"), PythonVectors.load().get("shared_secret_ab"),
                PythonVectors.load().get("shared_secret_aB"));
        byte[] plaintext = concat(PythonVectors.load().get("detached_signature_A"), PythonVectors.load().get("client_longterm_pk"));

        assertThat(SecretBox.seal(key, ZERO_NONCE, plaintext)).isEqualTo(PythonVectors.load().get("msg3_client_authenticate"));
        assertThat(SecretBox.open(key, ZERO_NONCE, PythonVectors.load().get("msg3_client_authenticate"))).contains(plaintext);
    }

    @Test
    void sealsTheServerAcceptOfThePythonHandshakeByteForByte() {
        byte[] key = PythonVectors.load().get("box_secret_sha256_K_ab_aB_Ab");
        assertThat(SecretBox.seal(key, ZERO_NONCE, PythonVectors.load().get("detached_signature_B")))
                .isEqualTo(PythonVectors.load().get("msg4_server_accept"));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 31, 32, 33, 63, 64, 65, 4096, 65535})
    void aBoxIsSixteenBytesLongerAndOpensToTheMessage(int length) {
        byte[] key = random(SecretBox.KEY_SIZE, length);
        byte[] nonce = random(SecretBox.NONCE_SIZE, length + 1);
        byte[] message = random(length, length + 2);

        byte[] box = SecretBox.seal(key, nonce, message);

        assertThat(box).hasSize(SecretBox.MAC_SIZE + length);
        assertThat(SecretBox.open(key, nonce, box)).contains(message);
    }

    @Test
    void aBoxWithAnyBitChangedDoesNotOpen() {
        byte[] key = random(32, 1);
        byte[] nonce = random(24, 2);
        byte[] box = SecretBox.seal(key, nonce, random(40, 3));
        for (int bit = 0; bit < box.length * 8; bit++) {
            byte[] tampered = box.clone();
            tampered[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThat(SecretBox.open(key, nonce, tampered)).as("bit %d flipped", bit).isEmpty();
        }
    }

    @Test
    void aBoxDoesNotOpenUnderAnotherKeyOrNonceOrWhenShorterThanItsTag() {
        byte[] key = random(32, 1);
        byte[] nonce = random(24, 2);
        byte[] box = SecretBox.seal(key, nonce, random(40, 3));
        byte[] otherNonce = nonce.clone();
        otherNonce[23]++;

        assertThat(SecretBox.open(random(32, 4), nonce, box)).isEmpty();
        assertThat(SecretBox.open(key, otherNonce, box)).isEmpty();
        assertThat(SecretBox.open(key, nonce, new byte[SecretBox.MAC_SIZE - 1])).isEmpty();
    }

    @Test
    void detachedModeWorksInPlaceAndAgreesWithTheCombinedBox() {
        byte[] key = random(32, 5);
        byte[] nonce = random(24, 6);
        byte[] message = random(100, 7);
        SecretBox box = new SecretBox();
        byte[] buffer = message.clone();
        byte[] mac = new byte[SecretBox.MAC_SIZE];

        box.sealDetached(key, nonce, buffer, 0, buffer.length, buffer, 0, mac, 0);
        assertThat(concat(mac, buffer)).isEqualTo(SecretBox.seal(key, nonce, message));

        assertThat(box.openDetached(key, nonce, mac, 0, buffer, 0, buffer.length, buffer, 0)).isTrue();
        assertThat(buffer).isEqualTo(message);
    }

    @Test
    void aFailedOpenWritesNothing() {
        byte[] key = random(32, 5);
        byte[] nonce = random(24, 6);
        byte[] box = SecretBox.seal(key, nonce, random(10, 7));
        box[0] ^= 1;
        byte[] out = new byte[10];
        assertThat(new SecretBox().openDetached(key, nonce, box, 0, box, 16, 10, out, 0)).isFalse();
        assertThat(out).containsOnly(0);
    }

    @Test
    void keysAndNoncesOfTheWrongSizeAreProgrammingErrors() {
        assertThatThrownBy(() -> SecretBox.seal(new byte[31], ZERO_NONCE, new byte[1]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SecretBox.seal(new byte[32], new byte[23], new byte[1]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
