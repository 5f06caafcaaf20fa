package org.conch.feed.crypto;

import org.conch.feed.Ed25519;
import org.conch.feed.Identity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** X25519 agreement and the Ed25519 → X25519 conversions, checked against PySecretHandshake's run. */
class Curve25519Test {

    @Test
    void anEphemeralPublicKeyIsTheBasePointTimesTheSecret() {
        assertThat(Curve25519.publicKey(PythonVectors.load().get("client_ephemeral_sk"))).isEqualTo(PythonVectors.load().get("client_ephemeral_pk"));
        assertThat(Curve25519.publicKey(PythonVectors.load().get("server_ephemeral_sk"))).isEqualTo(PythonVectors.load().get("server_ephemeral_pk"));
    }

    @Test
    void bothSidesAgreeOnTheEphemeralSecretAb() {
        byte[] ab = PythonVectors.load().get("shared_secret_ab");
        assertThat(Curve25519.sharedSecret(PythonVectors.load().get("client_ephemeral_sk"), PythonVectors.load().get("server_ephemeral_pk"))).isEqualTo(ab);
        assertThat(Curve25519.sharedSecret(PythonVectors.load().get("server_ephemeral_sk"), PythonVectors.load().get("client_ephemeral_pk"))).isEqualTo(ab);
    }

    @Test
    void theServersLongTermKeyConvertsSoThatBothSidesAgreeOnAB() {
        byte[] serverCurvePublic = Curve25519.publicFromEd25519(PythonVectors.load().get("server_longterm_pk"));
        byte[] serverCurveSecret = Curve25519.secretFromEd25519Seed(PythonVectors.load().get("server_longterm_seed"));

        assertThat(Curve25519.publicKey(serverCurveSecret)).isEqualTo(serverCurvePublic);
        assertThat(Curve25519.sharedSecret(PythonVectors.load().get("client_ephemeral_sk"), serverCurvePublic))
                .isEqualTo(PythonVectors.load().get("shared_secret_aB"));
        assertThat(Curve25519.sharedSecret(serverCurveSecret, PythonVectors.load().get("client_ephemeral_pk")))
                .isEqualTo(PythonVectors.load().get("shared_secret_aB"));
    }

    @Test
    void theClientsLongTermKeyConvertsSoThatBothSidesAgreeOnAb() {
        byte[] clientCurvePublic = Curve25519.publicFromEd25519(PythonVectors.load().get("client_longterm_pk"));
        byte[] clientCurveSecret = Curve25519.secretFromEd25519Seed(PythonVectors.load().get("client_longterm_seed"));

        assertThat(Curve25519.sharedSecret(clientCurveSecret, PythonVectors.load().get("server_ephemeral_pk")))
                .isEqualTo(PythonVectors.load().get("shared_secret_Ab"));
        assertThat(Curve25519.sharedSecret(PythonVectors.load().get("server_ephemeral_sk"), clientCurvePublic))
                .isEqualTo(PythonVectors.load().get("shared_secret_Ab"));
    }

    @Test
    void conversionsOfRandomIdentitiesAreAKeyPair() {
        for (int i = 0; i < 50; i++) {
            Identity identity = Identity.generate();
            assertThat(Curve25519.publicKey(Curve25519.secretFromEd25519Seed(identity.seed())))
                    .isEqualTo(Curve25519.publicFromEd25519(identity.publicKey()));
        }
    }

    @Test
    void theConvertedSecretIsClamped() {
        byte[] secret = Curve25519.secretFromEd25519Seed(Identity.generate().seed());
        assertThat(secret[0] & 7).isZero();
        assertThat(secret[31] & 0x80).isZero();
        assertThat(secret[31] & 0x40).isEqualTo(0x40);
    }

    /** Points of small order (libsodium's blocklist): agreement with them is all zero and refused. */
    @ParameterizedTest
    @ValueSource(strings = {
            "0000000000000000000000000000000000000000000000000000000000000000",
            "0100000000000000000000000000000000000000000000000000000000000000",
            "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
            "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    })
    void anAgreementWithAPointOfSmallOrderIsRefused(String point) {
        byte[] secret = SecretBoxTest.random(Curve25519.KEY_SIZE, 11); // any secret will do
        assertThatThrownBy(() -> Curve25519.sharedSecret(secret, HexFormat.of().parseHex(point)))
                .isInstanceOf(CryptoException.class).hasMessageContaining("all-zero");
    }

    /** Edwards points of small order: the identity (y = 1), (0, −1), the order-4 points (y = 0), and y ≡ p. */
    @ParameterizedTest
    @ValueSource(strings = {
            "0100000000000000000000000000000000000000000000000000000000000000",
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "0000000000000000000000000000000000000000000000000000000000000000",
            "0000000000000000000000000000000000000000000000000000000000000080",
            "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    })
    void anEd25519KeyOfSmallOrderDoesNotConvert(String key) {
        assertThatThrownBy(() -> Curve25519.publicFromEd25519(HexFormat.of().parseHex(key)))
                .isInstanceOf(CryptoException.class);
    }

    @Test
    void anEd25519KeyOffTheCurveDoesNotConvert() {
        // y = 2: (y² − 1) / (d·y² + 1) is not a square mod p, so no x exists
        byte[] offCurve = HexFormat.of().parseHex("0200000000000000000000000000000000000000000000000000000000000000");
        assertThatThrownBy(() -> Curve25519.publicFromEd25519(offCurve)).isInstanceOf(CryptoException.class)
                .hasMessageContaining("no point of the curve");
    }

    @Test
    void theConversionIsTheBirationalMapUEqualsOnePlusYOverOneMinusY() {
        BigInteger p = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
        for (int i = 0; i < 200; i++) {
            byte[] key = Identity.generate().publicKey();
            byte[] littleEndianY = key.clone();
            littleEndianY[31] &= 0x7f;
            BigInteger y = new BigInteger(1, reversed(littleEndianY));
            BigInteger u = BigInteger.ONE.add(y).multiply(BigInteger.ONE.subtract(y).modInverse(p)).mod(p);
            byte[] expected = reversed(Arrays.copyOfRange(leftPadded(u.toByteArray()), 0, 32));
            assertThat(Curve25519.publicFromEd25519(key)).isEqualTo(expected);
        }
    }

    private static byte[] leftPadded(byte[] bigEndian) {
        byte[] out = new byte[32];
        int copy = Math.min(32, bigEndian.length);
        System.arraycopy(bigEndian, bigEndian.length - copy, out, 32 - copy, copy);
        return out;
    }

    private static byte[] reversed(byte[] bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) out[i] = bytes[bytes.length - 1 - i];
        return out;
    }

    @Test
    void theXSignBitOfAnEd25519KeyDoesNotChangeItsMontgomeryU() {
        byte[] key = Ed25519.publicKeyFromSeed(PythonVectors.load().get("client_longterm_seed"));
        assertThat(Curve25519.publicFromEd25519(key)).isEqualTo(Curve25519.publicFromEd25519(PythonVectors.load().get("client_longterm_pk")));
    }
}
