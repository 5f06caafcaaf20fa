package org.conch.gossip.lan;

import org.conch.feed.Identity;
import org.conch.feed.json.CanonicalJson;
import org.conch.feed.json.Json;
import org.conch.feed.ref.MultiserverAddress;
import org.conch.feed.crypto.SecretBox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** ssb-lan's two payloads, checked against announcements made by ssb-keys 8.5.0 (scripts/interop/gen-lan-vector.js). */
class LanAnnouncementTest {
    private static final byte[] MAIN_NETWORK = Base64.getDecoder().decode("1KHLiKZvAvjbY1ziZEHMXawbCEIM6qwjCDm3VYRan/s=");
    private static final Identity ALICE = Identity.fromSeed(bytes(32, 1));
    private static final MultiserverAddress ALICE_ADDRESS = new MultiserverAddress("192.168.1.5", 8008, ALICE.id());

    // ------------------------------------------------------------------ round trips

    @Test
    void aNormalAnnouncementOpensToItsAddressAndVerifies() {
        byte[] payload = LanAnnouncement.encodeNormal(ALICE, ALICE_ADDRESS, MAIN_NETWORK);

        assertThat(LanAnnouncement.decodeNormal(payload, MAIN_NETWORK))
                .contains(new LanAnnouncement(ALICE_ADDRESS, true));
    }

    @Test
    void aLegacyAnnouncementIsTheAddressTextAndIsNeverVerified() {
        byte[] payload = LanAnnouncement.encodeLegacy(ALICE_ADDRESS);

        assertThat(new String(payload, StandardCharsets.UTF_8)).isEqualTo(ALICE_ADDRESS.toString());
        assertThat(LanAnnouncement.decodeLegacy(payload)).contains(new LanAnnouncement(ALICE_ADDRESS, false));
    }

    @Test
    void aNormalAnnouncementDoesNotOpenWithAnotherNetworkKey() {
        byte[] payload = LanAnnouncement.encodeNormal(ALICE, ALICE_ADDRESS, MAIN_NETWORK);

        assertThat(LanAnnouncement.decodeNormal(payload, bytes(32, 2))).isEmpty();
    }

    // ------------------------------------------------------------------ ssb-keys

    @ParameterizedTest
    @MethodSource("ssbKeysVectors")
    void anAnnouncementOfSsbKeysDecodesVerifiedAndOursIsByteForByteTheSame(Map<String, Object> vector) {
        byte[] networkKey = base64(vector, "networkKey");
        byte[] normal = base64(vector, "normal");
        byte[] legacy = base64(vector, "legacy");
        Identity identity = Identity.fromSeed(base64(vector, "seed"));
        MultiserverAddress address = MultiserverAddress.parse((String) vector.get("address"));
        assertThat(identity.id().toString()).isEqualTo(vector.get("id"));

        assertThat(LanAnnouncement.decodeNormal(normal, networkKey)).contains(new LanAnnouncement(address, true));
        assertThat(LanAnnouncement.decodeLegacy(legacy)).contains(new LanAnnouncement(address, false));
        assertThat(LanAnnouncement.encodeNormal(identity, address, networkKey)).isEqualTo(normal);
        assertThat(LanAnnouncement.encodeLegacy(address)).isEqualTo(legacy);
    }

    @Test
    void everyTamperedByteFailsToOpenOrToVerify() {
        for (Map<String, Object> vector : ssbKeysVectors()) {
            byte[] normal = base64(vector, "normal");
            byte[] networkKey = base64(vector, "networkKey");
            for (int i = 0; i < normal.length; i++) {
                for (int bit : new int[]{0x01, 0x80}) {
                    byte[] tampered = normal.clone();
                    tampered[i] ^= (byte) bit;
                    Optional<LanAnnouncement> decoded = LanAnnouncement.decodeNormal(tampered, networkKey);
                    assertThat(decoded).as("byte %d bit %x", i, bit)
                            .satisfiesAnyOf(d -> assertThat(d).isEmpty(), d -> assertThat(d.get().verified()).isFalse());
                }
            }
        }
    }

    @Test
    void anAddressSignedByAnotherKeyDoesNotVerify() {
        List<Map<String, Object>> vectors = ssbKeysVectors();
        byte[] first = base64(vectors.get(0), "normal");
        byte[] second = base64(vectors.get(1), "normal");
        byte[] spliced = Arrays.copyOf(first, first.length);
        System.arraycopy(second, second.length - 64, spliced, spliced.length - 64, 64);

        Optional<LanAnnouncement> decoded = LanAnnouncement.decodeNormal(spliced, MAIN_NETWORK);
        assertThat(decoded).map(LanAnnouncement::verified).contains(false);
        assertThat(decoded).map(LanAnnouncement::address).contains(MultiserverAddress.parse((String) vectors.get(0).get("address")));
    }

    // ------------------------------------------------------------------ garbage

    @Test
    void everyTruncationIsEmpty() {
        byte[] payload = LanAnnouncement.encodeNormal(ALICE, ALICE_ADDRESS, MAIN_NETWORK);
        for (int length = 0; length < payload.length; length++) {
            assertThat(LanAnnouncement.decodeNormal(Arrays.copyOf(payload, length), MAIN_NETWORK)).as("%d bytes", length).isEmpty();
        }
        byte[] legacy = LanAnnouncement.encodeLegacy(ALICE_ADDRESS);
        for (int length = 0; length < legacy.length; length++) {
            assertThat(LanAnnouncement.decodeLegacy(Arrays.copyOf(legacy, length))).as("%d bytes", length).isEmpty();
        }
    }

    @Test
    void randomBytesAreEmpty() {
        Random random = new Random(26830);
        for (int length = 0; length <= 400; length++) {
            byte[] garbage = new byte[length];
            random.nextBytes(garbage);
            assertThat(LanAnnouncement.decodeNormal(garbage, MAIN_NETWORK)).isEmpty();
            assertThat(LanAnnouncement.decodeLegacy(garbage)).isEmpty();
        }
        assertThat(LanAnnouncement.decodeNormal(null, MAIN_NETWORK)).isEmpty();
        assertThat(LanAnnouncement.decodeLegacy(null)).isEmpty();
    }

    @Test
    void aBoxThatOpensButHoldsNoAddressIsEmpty() {
        for (String plaintext : new String[]{"", "null", "[]", "{}", "{\"address\":5}", "{\"address\":null}",
                "{\"address\":\"net:192.168.1.5:8008\"}", "{\"address\":\"ws:host:80~shs:" + ALICE.id().base64() + "\"}",
                "{\"address\":\"net:192.168.1.5:8008~shs:" + ALICE.id().base64() + "\"", "\u0000\u00ff"}) {
            byte[] box = SecretBox.seal(MAIN_NETWORK, Arrays.copyOf(MAIN_NETWORK, 24), plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] payload = Arrays.copyOf(box, box.length + 64);
            assertThat(LanAnnouncement.decodeNormal(payload, MAIN_NETWORK)).as(plaintext).isEmpty();
        }
    }

    @Test
    void legacyTextThatIsNotAnAddressIsEmpty() {
        for (String text : new String[]{"", "net:192.168.1.5:8008", "hello", "net:192.168.1.5:99999~shs:" + ALICE.id().base64(),
                "net:192.168.1.5:8008~shs:notakey"}) {
            assertThat(LanAnnouncement.decodeLegacy(text.getBytes(StandardCharsets.UTF_8))).as(text).isEmpty();
        }
        byte[] long1 = (ALICE_ADDRESS + ";" + "x".repeat(LanAnnouncement.MAX_PAYLOAD_SIZE)).getBytes(StandardCharsets.UTF_8);
        assertThat(LanAnnouncement.decodeLegacy(long1)).isEmpty();
    }

    @Test
    void aMultiAddressAnnouncementGivesItsNetShsPart() {
        String text = ALICE_ADDRESS + ";ws://192.168.1.5:8989~shs:" + ALICE.id().base64();
        assertThat(LanAnnouncement.decodeLegacy(text.getBytes(StandardCharsets.UTF_8)))
                .contains(new LanAnnouncement(ALICE_ADDRESS, false));
        // signed over the whole text, as ssb-lan verifies it
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("address", text);
        byte[] box = SecretBox.seal(MAIN_NETWORK, Arrays.copyOf(MAIN_NETWORK, 24),
                CanonicalJson.compact(object).getBytes(StandardCharsets.UTF_8));
        byte[] signature = ALICE.sign(CanonicalJson.pretty(object).getBytes(StandardCharsets.UTF_8));
        byte[] payload = Arrays.copyOf(box, box.length + 64);
        System.arraycopy(signature, 0, payload, box.length, 64);
        assertThat(LanAnnouncement.decodeNormal(payload, MAIN_NETWORK)).contains(new LanAnnouncement(ALICE_ADDRESS, true));
    }

    // ------------------------------------------------------------------ refusals

    @Test
    void announcingAnotherKeysAddressOrWithABadNetworkKeyIsRefused() {
        MultiserverAddress bobs = new MultiserverAddress("192.168.1.6", 8008, Identity.fromSeed(bytes(32, 3)).id());
        assertThatThrownBy(() -> LanAnnouncement.encodeNormal(ALICE, bobs, MAIN_NETWORK))
                .isInstanceOf(LanException.class).hasMessageContaining("another key");
        assertThatThrownBy(() -> LanAnnouncement.encodeNormal(ALICE, ALICE_ADDRESS, new byte[31]))
                .isInstanceOf(LanException.class).hasMessageContaining("32 bytes, not 31");
        assertThatThrownBy(() -> LanAnnouncement.decodeNormal(new byte[100], null))
                .isInstanceOf(LanException.class);
    }

    // ------------------------------------------------------------------ helpers

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> ssbKeysVectors() {
        try (InputStream in = LanAnnouncementTest.class.getResourceAsStream("/lan/ssb-lan-vectors.json")) {
            assertThat(in).as("the test resource lan/ssb-lan-vectors.json").isNotNull();
            Map<String, Object> file = Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return (List<Map<String, Object>>) file.get("vectors");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] base64(Map<String, Object> vector, String field) {
        return Base64.getDecoder().decode((String) vector.get(field));
    }

    private static byte[] bytes(int length, int seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
