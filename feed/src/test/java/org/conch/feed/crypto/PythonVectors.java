package org.conch.feed.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.conch.feed.testing.Vectors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HexFormat;

/**
 * The handshake constants of {@code python-secret-handshake}, which also exercise each primitive. Loaded on
 * first use inside a test, not in a static initialiser: a missing vector folder then fails the tests that
 * need it with the folder's name, instead of an ExceptionInInitializerError for every test of the class.
 */
final class PythonVectors {
    private static PythonVectors loaded;
    private final JsonNode handshake;

    private PythonVectors(JsonNode handshake) {
        this.handshake = handshake;
    }

    static synchronized PythonVectors load() {
        if (loaded != null) return loaded;
        try {
            return loaded = new PythonVectors(new ObjectMapper().readTree(Vectors.folder("python-secret-handshake")
                    .resolve("shs_boxstream_vectors.json").toFile()).get("handshake"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte[] get(String field) {
        JsonNode value = handshake.get(field);
        if (value == null) throw new IllegalArgumentException("no field " + field + " in the vectors");
        return HexFormat.of().parseHex(value.asText());
    }
}
