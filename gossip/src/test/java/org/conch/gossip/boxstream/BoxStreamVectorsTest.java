package org.conch.gossip.boxstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.conch.feed.testing.Vectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Box-stream frames recorded by two other implementations, produced and read byte for byte. */
class BoxStreamVectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    private static JsonNode read(String folder, String file) {
        try {
            return new ObjectMapper().readTree(Vectors.folder(folder).resolve(file).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(JsonNode node) {
        return HEX.parseHex(node.asText());
    }

    /** sunrise-choir/box-stream-c: two 8-byte frames, the final header, and a body that must not open. */
    @Nested
    class BoxStreamC {
        private final JsonNode vectors = read("box-stream-c", "vectors.json");
        private final byte[] key = bytes(vectors.get("key"));
        private final byte[] nonce = bytes(vectors.get("initial_nonce"));

        @Test
        void eachWriteBecomesTheRecordedHeaderAndBody() {
            BoxStreamEncoder encoder = new BoxStreamEncoder(key, nonce);
            for (JsonNode frame : vectors.get("frames")) {
                byte[] wire = encoder.encode(bytes(frame.get("plaintext")));
                assertThat(HEX.formatHex(wire)).isEqualTo(frame.get("header").asText() + frame.get("body").asText());
            }
            assertThat(encoder.goodbye()).isEqualTo(bytes(vectors.get("final_header")));
        }

        @Test
        void theRecordedStreamDecodesToThePlaintextsAndEndsCleanly() {
            BoxStreamDecoder decoder = new BoxStreamDecoder(key, nonce);
            List<String> plaintexts = new ArrayList<>();
            for (JsonNode frame : vectors.get("frames")) {
                decoder.feed(bytes(frame.get("header"))).forEach(p -> plaintexts.add(HEX.formatHex(p)));
                decoder.feed(bytes(frame.get("body"))).forEach(p -> plaintexts.add(HEX.formatHex(p)));
            }
            assertThat(decoder.isClosed()).isFalse();
            assertThat(decoder.feed(bytes(vectors.get("final_header")))).isEmpty();

            assertThat(plaintexts).containsExactly("0001020304050607", "0706050403020100");
            assertThat(decoder.isClosed()).isTrue();
        }

        @Test
        void aBodyWithItsFirstFourBytesZeroedDoesNotAuthenticate() {
            for (JsonNode negative : vectors.get("negative")) {
                BoxStreamDecoder decoder = new BoxStreamDecoder(key, nonce);
                assertThat(decoder.feed(bytes(negative.get("header")))).as("the header is genuine").isEmpty();
                assertThatThrownBy(() -> decoder.feed(bytes(negative.get("body"))))
                        .as(negative.get("description").asText())
                        .isInstanceOf(BoxStreamException.class)
                        .hasMessageContaining("body");
            }
        }
    }

    /** python-ssb/secret-handshake: "foo", "foo", "bar" and a goodbye under the client's session keys. */
    @Nested
    class PySecretHandshake {
        private final JsonNode vectors = read("python-secret-handshake", "shs_boxstream_vectors.json").get("boxstream");
        private final byte[] key = bytes(vectors.get("key"));
        private final byte[] nonce = bytes(vectors.get("initial_nonce"));

        @Test
        void theWritesBecomeTheRecordedFramesAndGoodbye() {
            BoxStreamEncoder encoder = new BoxStreamEncoder(key, nonce);
            for (JsonNode frame : vectors.get("frames")) {
                assertThat(encoder.encode(bytes(frame.get("plaintext")))).isEqualTo(bytes(frame.get("wire")));
            }
            assertThat(encoder.goodbye()).isEqualTo(bytes(vectors.get("goodbye_wire")));
        }

        @Test
        void theRecordedWireDecodesToFooFooBarAndAGoodbye() {
            StringBuilder wire = new StringBuilder();
            vectors.get("frames").forEach(frame -> wire.append(frame.get("wire").asText()));
            wire.append(vectors.get("goodbye_wire").asText());

            BoxStreamDecoder decoder = new BoxStreamDecoder(key, nonce);
            List<String> words = decoder.feed(HEX.parseHex(wire)).stream()
                    .map(p -> new String(p, StandardCharsets.US_ASCII)).toList();

            assertThat(words).containsExactly("foo", "foo", "bar");
            assertThat(decoder.isClosed()).isTrue();
            assertThat(decoder.hasPartialFrame()).isFalse();
        }
    }
}
