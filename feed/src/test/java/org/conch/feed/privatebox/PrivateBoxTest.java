package org.conch.feed.privatebox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.conch.feed.crypto.Curve25519;
import org.conch.feed.crypto.SecretBox;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** private-box 0.3.1: the layout of a box, who can open it, and what does not open. */
class PrivateBoxTest {
    private static final byte[] PLAINTEXT = "{\"type\":\"post\",\"text\":\"only for you\"}".getBytes(StandardCharsets.UTF_8);
    private static final SecureRandom RANDOM = new SecureRandom();

    static List<Curve25519.KeyPair> keyPairs(int count) {
        return IntStream.range(0, count).mapToObj(i -> Curve25519.KeyPair.generate(RANDOM)).toList();
    }

    static List<byte[]> publicKeys(List<Curve25519.KeyPair> pairs) {
        return pairs.stream().map(Curve25519.KeyPair::publicKey).toList();
    }

    @Nested
    class Boxing {
        @Test
        void everyRecipientOpensTheBoxFromOneToSevenRecipients() {
            for (int count = 1; count <= PrivateBox.MAX_RECIPIENTS; count++) {
                List<Curve25519.KeyPair> recipients = keyPairs(count);
                byte[] boxed = PrivateBox.box(PLAINTEXT, publicKeys(recipients));
                for (Curve25519.KeyPair recipient : recipients) {
                    assertThat(PrivateBox.unbox(boxed, recipient.secretKey())).as("%d recipients", count).contains(PLAINTEXT);
                }
            }
        }

        @Test
        void someoneElseCannotOpenIt() {
            byte[] boxed = PrivateBox.box(PLAINTEXT, publicKeys(keyPairs(3)));
            assertThat(PrivateBox.unbox(boxed, keyPairs(1).get(0).secretKey())).isEmpty();
        }

        @Test
        void aBoxIsNonceOneTimeKeySlotsAndBody() {
            byte[] boxed = PrivateBox.box(PLAINTEXT, publicKeys(keyPairs(5)));
            assertThat(boxed).hasSize(24 + 32 + 5 * 49 + 16 + PLAINTEXT.length);
        }

        @Test
        void theRandomnessIsDrawnAsPrivateBoxDrawsIt() {
            byte[] random = new byte[24 + 32 + 32];
            RANDOM.nextBytes(random);
            List<Curve25519.KeyPair> recipients = keyPairs(2);

            byte[] boxed = PrivateBox.box(PLAINTEXT, publicKeys(recipients), new Replay(random));

            byte[] nonce = Arrays.copyOf(random, 24);
            byte[] bodyKey = Arrays.copyOfRange(random, 24, 56);
            byte[] oneTimeSecret = Arrays.copyOfRange(random, 56, 88);
            assertThat(Arrays.copyOf(boxed, 24)).isEqualTo(nonce);
            assertThat(Arrays.copyOfRange(boxed, 24, 56)).isEqualTo(Curve25519.publicKey(oneTimeSecret));
            assertThat(PrivateBox.unboxKey(boxed, recipients.get(1).secretKey()).orElseThrow().bodyKey()).isEqualTo(bodyKey);
        }

        @Test
        void theSlotCountComesFirstInTheSlotThenTheBodyKey() {
            List<Curve25519.KeyPair> recipients = keyPairs(4);
            byte[] boxed = PrivateBox.box(PLAINTEXT, publicKeys(recipients));
            byte[] nonce = Arrays.copyOf(boxed, 24);
            byte[] slotKey = Curve25519.sharedSecret(recipients.get(2).secretKey(), Arrays.copyOfRange(boxed, 24, 56));
            byte[] thirdSlot = Arrays.copyOfRange(boxed, 56 + 2 * 49, 56 + 3 * 49);

            byte[] slot = SecretBox.open(slotKey, nonce, thirdSlot).orElseThrow();

            assertThat(slot[0]).isEqualTo((byte) 4);
            assertThat(SecretBox.open(Arrays.copyOfRange(slot, 1, 33), nonce, Arrays.copyOfRange(boxed, 56 + 4 * 49, boxed.length)))
                    .contains(PLAINTEXT);
        }

        @Test
        void noRecipientOrMoreThanSevenIsAnError() {
            assertThatThrownBy(() -> PrivateBox.box(PLAINTEXT, List.of()))
                    .isInstanceOf(PrivateBoxException.class).hasMessageContaining("not 0");
            assertThatThrownBy(() -> PrivateBox.box(PLAINTEXT, publicKeys(keyPairs(8))))
                    .isInstanceOf(PrivateBoxException.class).hasMessageContaining("not 8");
        }

        @Test
        void anEmptyPlaintextBoxesAndOpens() {
            Curve25519.KeyPair recipient = keyPairs(1).get(0);
            byte[] boxed = PrivateBox.box(new byte[0], List.of(recipient.publicKey()));
            assertThat(PrivateBox.unbox(boxed, recipient.secretKey())).hasValueSatisfying(p -> assertThat(p).isEmpty());
        }
    }

    @Nested
    class Opening {
        @Test
        void theKeyOfASlotReopensTheBodyWithoutTheSecretKey() {
            List<Curve25519.KeyPair> recipients = keyPairs(3);
            byte[] boxed = PrivateBox.box(PLAINTEXT, publicKeys(recipients));

            UnboxKey key = PrivateBox.unboxKey(boxed, recipients.get(0).secretKey()).orElseThrow();

            assertThat(key.slotCount()).isEqualTo(3);
            assertThat(UnboxKey.fromBytes(key.bytes())).contains(key);
            assertThat(PrivateBox.unboxBody(boxed, key)).contains(PLAINTEXT);
            assertThat(PrivateBox.unboxKey(boxed, recipients.get(2).secretKey())).contains(key);
        }

        @Test
        void anEighthSlotIsStillTriedAsPrivateBoxDoes() {
            List<Curve25519.KeyPair> recipients = keyPairs(9);
            byte[] boxed = HandMade.box(PLAINTEXT, publicKeys(recipients));

            assertThat(PrivateBox.unbox(boxed, recipients.get(7).secretKey())).as("slot 8").contains(PLAINTEXT);
            assertThat(PrivateBox.unbox(boxed, recipients.get(8).secretKey())).as("slot 9").isEmpty();
        }

        @Test
        void everyTruncationOfABoxStaysClosed() {
            Curve25519.KeyPair recipient = keyPairs(1).get(0);
            byte[] boxed = PrivateBox.box(PLAINTEXT, List.of(recipient.publicKey()));
            for (int length = 0; length < boxed.length; length++) {
                assertThat(PrivateBox.unbox(Arrays.copyOf(boxed, length), recipient.secretKey())).as("length %d", length).isEmpty();
            }
        }

        @Test
        void everyFlippedBitKeepsItClosedButTheOneX25519Ignores() {
            Curve25519.KeyPair recipient = keyPairs(1).get(0);
            byte[] boxed = PrivateBox.box(PLAINTEXT, List.of(recipient.publicKey()));
            int ignoredBit = 55 * 8 + 7; // X25519 (RFC 7748, libsodium alike) masks the top bit of a public key
            for (int bit = 0; bit < boxed.length * 8; bit++) {
                byte[] flipped = boxed.clone();
                flipped[bit / 8] ^= (byte) (1 << (bit % 8));
                if (bit == ignoredBit) {
                    assertThat(PrivateBox.unbox(flipped, recipient.secretKey())).as("the one-time key's top bit").contains(PLAINTEXT);
                } else {
                    assertThat(PrivateBox.unbox(flipped, recipient.secretKey())).as("bit %d", bit).isEmpty();
                }
            }
        }

        @Test
        void aSlotCountOfZeroOrPastTheEndOpensNothing() {
            Curve25519.KeyPair recipient = keyPairs(1).get(0);
            for (int count : new int[] {0, 2, 255}) {
                byte[] boxed = HandMade.boxWithSlotCount(PLAINTEXT, recipient.publicKey(), count);
                assertThat(PrivateBox.unbox(boxed, recipient.secretKey())).as("slot count %d", count).isEmpty();
            }
            byte[] honest = HandMade.boxWithSlotCount(PLAINTEXT, recipient.publicKey(), 1);
            assertThat(PrivateBox.unbox(honest, recipient.secretKey())).as("the same box, counted right").contains(PLAINTEXT);
        }

        @Test
        void aOneTimeKeyOfSmallOrderOpensNothing() {
            Curve25519.KeyPair recipient = keyPairs(1).get(0);
            byte[] boxed = PrivateBox.box(PLAINTEXT, List.of(recipient.publicKey()));
            Arrays.fill(boxed, 24, 56, (byte) 0);
            assertThat(PrivateBox.unbox(boxed, recipient.secretKey())).isEmpty();
        }

        @Test
        void aKeyOfAnotherSizeOpensNothing() {
            byte[] boxed = PrivateBox.box(PLAINTEXT, publicKeys(keyPairs(1)));
            assertThat(PrivateBox.unbox(boxed, new byte[31])).isEmpty();
            assertThat(UnboxKey.fromBytes(new byte[32])).isEmpty();
        }
    }

    /** sunrise-choir/private-box-rs's test/simple.json, a box the JavaScript made for two key pairs. */
    @Nested
    class PrivateBoxRsVector {
        private final JsonNode vector = read("/private-box-rs/simple.json");

        @Test
        void bothRecipientsOpenIt() {
            byte[] boxed = base64(vector.get("cypherText"));
            for (JsonNode keys : vector.get("keys")) {
                assertThat(PrivateBox.unbox(boxed, base64(keys.get("secretKey")))).contains(base64(vector.get("msg")));
            }
            assertThat(vector.get("keys")).hasSize(2);
        }

        @Test
        void conchWritesTheSameBytesGivenTheVectorsNonceOneTimeKeyAndBodyKey() {
            byte[] boxed = base64(vector.get("cypherText"));
            List<byte[]> secretKeys = new ArrayList<>();
            for (JsonNode keys : vector.get("keys")) {
                secretKeys.add(base64(keys.get("secretKey")));
                assertThat(Curve25519.publicKey(secretKeys.get(secretKeys.size() - 1))).isEqualTo(base64(keys.get("publicKey")));
            }
            UnboxKey key = PrivateBox.unboxKey(boxed, secretKeys.get(0)).orElseThrow();
            assertThat(key.slotCount()).isEqualTo(2);

            assertThat(HandMade.rebox(base64(vector.get("msg")), boxed, secretKeys, key)).isEqualTo(boxed);
        }

        private static JsonNode read(String resource) {
            try (InputStream in = PrivateBoxTest.class.getResourceAsStream(resource)) {
                assertThat(in).as(resource).isNotNull();
                return new ObjectMapper().readTree(in);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        private static byte[] base64(JsonNode text) {
            return Base64.getDecoder().decode(text.asText());
        }
    }

    /**
     * Boxes assembled from the primitives, slot by slot, for what {@link PrivateBox#box} refuses to make: more
     * than seven slots, a slot count that lies, and a box re-made from a recipient's side.
     */
    static final class HandMade {
        private HandMade() {
        }

        static byte[] box(byte[] plaintext, List<byte[]> recipients) {
            return assemble(plaintext, recipients, recipients.size());
        }

        static byte[] boxWithSlotCount(byte[] plaintext, byte[] recipient, int slotCount) {
            return assemble(plaintext, List.of(recipient), slotCount);
        }

        private static byte[] assemble(byte[] plaintext, List<byte[]> recipients, int slotCount) {
            byte[] nonce = new byte[24];
            byte[] countAndKey = new byte[33];
            RANDOM.nextBytes(nonce);
            RANDOM.nextBytes(countAndKey);
            countAndKey[0] = (byte) slotCount;
            Curve25519.KeyPair oneTime = Curve25519.KeyPair.generate(RANDOM);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(nonce);
            out.writeBytes(oneTime.publicKey());
            for (byte[] recipient : recipients) {
                out.writeBytes(SecretBox.seal(Curve25519.sharedSecret(oneTime.secretKey(), recipient), nonce, countAndKey));
            }
            out.writeBytes(SecretBox.seal(Arrays.copyOfRange(countAndKey, 1, 33), nonce, plaintext));
            return out.toByteArray();
        }

        /**
         * The box re-made from its nonce and one-time public key, the recipients' secret keys (X25519 is the
         * same from either side) and the key their slots hold: every byte of a box, given what it fixes.
         */
        static byte[] rebox(byte[] plaintext, byte[] boxed, List<byte[]> recipientSecretKeys, UnboxKey key) {
            byte[] nonce = Arrays.copyOf(boxed, 24);
            byte[] oneTimePublic = Arrays.copyOfRange(boxed, 24, 56);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(nonce);
            out.writeBytes(oneTimePublic);
            for (byte[] secretKey : recipientSecretKeys) {
                out.writeBytes(SecretBox.seal(Curve25519.sharedSecret(secretKey, oneTimePublic), nonce, key.bytes()));
            }
            out.writeBytes(SecretBox.seal(key.bodyKey(), nonce, plaintext));
            return out.toByteArray();
        }
    }

    /** Hands out the given bytes in order, then fails: a test's randomness, known in advance. */
    static final class Replay extends SecureRandom {
        private final byte[] bytes;
        private int next;

        Replay(byte[] bytes) {
            this.bytes = bytes.clone();
        }

        @Override
        public void nextBytes(byte[] out) {
            if (next + out.length > bytes.length) throw new IllegalStateException("more randomness asked than given");
            System.arraycopy(bytes, next, out, 0, out.length);
            next += out.length;
        }
    }
}
