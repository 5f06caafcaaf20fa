package org.conch.feed;

import org.conch.feed.json.CanonicalJson;
import org.conch.feed.json.Json;
import org.conch.feed.testing.Vectors;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The ssb-keys vectors and the Scuttlebutt Protocol Guide's signed messages. */
class ReferenceExamplesTest {

    @Test
    @SuppressWarnings("unchecked")
    void ssbKeysKeyPairsLoadWithTheirIds() throws IOException {
        Map<String, Object> vectors = Json.parseObject(Files.readString(Vectors.folder("ssb-keys").resolve("vectors.json")));
        List<Map<String, Object>> keypairs = (List<Map<String, Object>>) vectors.get("keypairs");
        assertThat(keypairs).hasSize(2);
        for (Map<String, Object> keys : keypairs) {
            Identity identity = Identity.fromKeysJson(keys);
            assertThat(identity.id().toString()).isEqualTo(keys.get("id"));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void ssbKeysLegacyHashUsesTheLowByteOfEachUtf16Unit() throws IOException {
        Map<String, Object> vectors = Json.parseObject(Files.readString(Vectors.folder("ssb-keys").resolve("vectors.json")));
        Map<String, Object> weird = ((List<Map<String, Object>>) vectors.get("legacy_hash")).get(0);
        Map<String, Object> message = (Map<String, Object>) weird.get("message");

        assertThat(MessageValidator.idOf(message).toString()).isEqualTo(weird.get("expected_id"));
        Message validated = MessageValidator.validateDetached(message, SignCap.NONE);
        assertThat(validated.key().toString()).isEqualTo(weird.get("expected_id"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void protocolGuideMessagesHaveTheGuidesIdsAndSigningInput() throws IOException {
        Map<String, Object> examples = Json.parseObject(
                Files.readString(Vectors.folder("protocol-guide-examples").resolve("examples.json")));
        List<Map<String, Object>> messages = (List<Map<String, Object>>) examples.get("messages");
        assertThat(messages).hasSize(3);
        for (Map<String, Object> example : messages) {
            Map<String, Object> value = (Map<String, Object>) example.get("message");
            Map<String, Object> unsigned = new LinkedHashMap<>(value);
            unsigned.remove("signature");
            assertThat(CanonicalJson.pretty(unsigned)).isEqualTo(example.get("signing_input_utf8"));
            Message message = MessageValidator.validateDetached(value, SignCap.NONE);
            assertThat(message.key().toString()).isEqualTo(example.get("expected_id"));
        }
    }
}
