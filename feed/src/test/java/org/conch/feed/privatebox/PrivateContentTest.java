package org.conch.feed.privatebox;

import org.conch.feed.FeedId;
import org.conch.feed.Identity;
import org.conch.feed.crypto.Curve25519;
import org.conch.feed.json.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** ssb-keys 8.5.0's box, unbox, unboxKey and unboxBody: private content as a message carries it. */
class PrivateContentTest {
    private static final Object CONTENT = Json.parse("{\"type\":\"post\",\"text\":\"s\u00e9same, ouvre-toi \ud83d\udc1a\","
            + "\"recps\":[],\"n\":1.5}");

    private static List<Identity> identities(int count) {
        return IntStream.range(0, count).mapToObj(i -> Identity.generate()).toList();
    }

    private static List<FeedId> ids(List<Identity> identities) {
        return identities.stream().map(Identity::id).toList();
    }

    @Test
    void everyRecipientReadsTheContentBack() {
        List<Identity> recipients = identities(PrivateBox.MAX_RECIPIENTS);
        String boxed = PrivateContent.box(CONTENT, ids(recipients));
        for (Identity recipient : recipients) {
            assertThat(PrivateContent.unbox(boxed, recipient)).contains(CONTENT);
        }
        assertThat(PrivateContent.unbox(boxed, Identity.generate())).isEmpty();
    }

    @Test
    void theContentStringIsBase64OfThePrivateBoxOfCompactJsonThenDotBox() {
        Identity recipient = Identity.generate();
        String boxed = PrivateContent.box(CONTENT, List.of(recipient.id()));

        assertThat(boxed).endsWith(".box");
        byte[] box = Base64.getDecoder().decode(boxed.substring(0, boxed.length() - ".box".length()));
        byte[] curveSecret = Curve25519.secretFromEd25519Seed(recipient.seed());
        assertThat(PrivateBox.unbox(box, curveSecret).map(bytes -> new String(bytes, StandardCharsets.UTF_8)))
                .contains("{\"type\":\"post\",\"text\":\"s\u00e9same, ouvre-toi \ud83d\udc1a\",\"recps\":[],\"n\":1.5}");
    }

    @Test
    void aKeptUnboxKeyReadsTheContentWithoutTheIdentity() {
        List<Identity> recipients = identities(2);
        String boxed = PrivateContent.box(CONTENT, ids(recipients));

        UnboxKey key = PrivateContent.unboxKey(boxed, recipients.get(1)).orElseThrow();

        assertThat(key.slotCount()).isEqualTo(2);
        assertThat(PrivateContent.unboxBody(boxed, key)).contains(CONTENT);
        assertThat(PrivateContent.unboxKey(boxed, Identity.generate())).isEmpty();
    }

    @Test
    void theSuffixAndASigilAreIgnoredAsSsbKeysIgnoresThem() {
        Identity recipient = Identity.generate();
        String boxed = PrivateContent.box(CONTENT, List.of(recipient.id()));
        String base64 = boxed.substring(0, boxed.indexOf('.'));

        assertThat(PrivateContent.unbox(base64, recipient)).contains(CONTENT);
        assertThat(PrivateContent.unbox(base64 + ".box2", recipient)).contains(CONTENT);
        assertThat(PrivateContent.unbox("%" + boxed, recipient)).contains(CONTENT);
    }

    @Test
    void aBodyThatIsNotJsonOrIsNullReadsAsNothing() {
        Identity recipient = Identity.generate();
        byte[] curveKey = Curve25519.publicFromEd25519(recipient.publicKey());
        for (String body : new String[] {"not json", "{\"a\":1} trailing", "", "null"}) {
            String boxed = Base64.getEncoder().encodeToString(
                    PrivateBox.box(body.getBytes(StandardCharsets.UTF_8), List.of(curveKey))) + ".box";
            assertThat(PrivateContent.unbox(boxed, recipient)).as("body '%s'", body).isEmpty();
        }
    }

    @Test
    void textThatIsNoBoxReadsAsNothing() {
        Identity reader = Identity.generate();
        for (String text : new String[] {"", ".box", "@", "hello world", "%%%%.box", null}) {
            assertThat(PrivateContent.unbox(text, reader)).as("'%s'", text).isEmpty();
        }
    }

    @Test
    void eightRecipientsAreAnError() {
        assertThatThrownBy(() -> PrivateContent.box(CONTENT, ids(identities(8))))
                .isInstanceOf(PrivateBoxException.class);
    }

    @Test
    void theContentOfABoxIsCompactJsonOfAnyValue() {
        Identity recipient = Identity.generate();
        Map<String, Object> nested = Map.of("type", "about", "list", List.of(1.0, "two", Map.of()));
        assertThat(PrivateContent.unbox(PrivateContent.box(nested, List.of(recipient.id())), recipient)).contains(nested);
        assertThat(PrivateContent.unbox(PrivateContent.box("just a string", List.of(recipient.id())), recipient))
                .contains("just a string");
    }
}
