package org.conch.feed;

import org.conch.feed.json.CanonicalJson;
import org.conch.feed.json.Json;
import org.conch.feed.testing.Vectors;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * go-ssb's 235 real messages of one feed, captured from a JavaScript sbot: conch re-encodes each
 * byte for byte (with and without signature), validates the whole chain from sequence 1 and
 * computes the key the sbot stored, including the 18 messages with non-ASCII text.
 */
class GoSsbLegacyTestdataTest {

    @Test
    void everyMessageReEncodesValidatesAndHashesAsTheSbotDid() throws IOException {
        try (ZipFile zip = new ZipFile(Vectors.folder("go-ssb-legacy-testdata").resolve("testdata.zip").toFile())) {
            FeedState state = null;
            int checked = 0;
            int nonAscii = 0;
            for (int sequence = 1; ; sequence++) {
                String name = String.format("%05d", sequence);
                ZipEntry input = zip.getEntry(name + ".input");
                if (input == null) break;
                String signedText = read(zip, input);
                String unsignedText = read(zip, zip.getEntry(name + ".noSig"));
                Map<String, Object> full = Json.parseObject(read(zip, zip.getEntry(name + ".full")));

                Map<String, Object> value = Json.parseObject(signedText);
                assertThat(CanonicalJson.pretty(value)).as("signed JSON of %s", name).isEqualTo(signedText);
                Map<String, Object> unsigned = new LinkedHashMap<>(value);
                unsigned.remove("signature");
                assertThat(CanonicalJson.pretty(unsigned)).as("signing JSON of %s", name).isEqualTo(unsignedText);
                // The sbot's stored value was compact JSON; it must validate to the same key too.
                Message message = MessageValidator.validate(state, full.get("value"), SignCap.NONE);
                assertThat(message.key().toString()).as("key of %s", name).isEqualTo(full.get("key"));
                assertThat(MessageValidator.validate(state, value, SignCap.NONE).key()).isEqualTo(message.key());

                if (!signedText.chars().allMatch(c -> c < 0x80)) nonAscii++;
                state = FeedState.of(message);
                checked++;
            }
            assertThat(checked).isEqualTo(235);
            assertThat(nonAscii).isEqualTo(18);
        }
    }

    private static String read(ZipFile zip, ZipEntry entry) throws IOException {
        return new String(zip.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8);
    }
}
