package org.conch.feed;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MessageTest {
    private static final Identity ALICE = Identity.fromSeed(new byte[32]);

    private static Message signed(Object content) {
        return MessageSigner.sign(ALICE, null, content, 1.7e12, SignCap.NONE);
    }

    /** The message as the store gives it back: its compact bytes, parsed only when asked. */
    private static Message readBack(Message message) {
        return Message.fromStore(message.key(), message.author(), message.sequence(), message.compactUtf8());
    }

    private static Map<String, Object> post(String text) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("type", "post");
        content.put("text", text);
        return content;
    }

    @Test
    void aPrivateMessageReadBackFromTheStoreIsEncrypted() {
        Message boxed = readBack(signed("c2VjcmV0IGJ5dGVz.box"));

        assertThat(Message.mayHoldStringContent(boxed.compactUtf8())).isTrue();
        assertThat(boxed.isEncrypted()).isTrue();
    }

    @Test
    void aPostIsNotEncryptedEvenWhenItsTextQuotesAStringContentKey() {
        Message quoting = readBack(signed(post("JSON looks like {\"content\":\"x.box\"}")));

        assertThat(Message.mayHoldStringContent(quoting.compactUtf8()))
                .as("the quotes inside the text are escaped, so the bytes alone answer").isFalse();
        assertThat(quoting.isEncrypted()).isFalse();
    }

    @Test
    void aNestedStringContentKeyIsParsedToBeSure() {
        Map<String, Object> content = post("hello");
        content.put("content", "not the top-level content");
        Message nested = readBack(signed(content));

        assertThat(Message.mayHoldStringContent(nested.compactUtf8())).isTrue();
        assertThat(nested.isEncrypted()).isFalse();
        assertThat(nested.type()).isEqualTo("post");
    }

    @Test
    void aMessageReadBackFromTheStoreParsesToTheValueItWasSignedWith() {
        Message original = signed(post("héllo ✓ 🌱 \"quoted\" \\ \n \u0001"));
        Message stored = readBack(original);

        assertThat(stored.value()).isEqualTo(original.value());
        assertThat(stored.value().keySet()).containsExactlyElementsOf(original.value().keySet());
        assertThat(stored.prettyJson()).isEqualTo(original.prettyJson());
        assertThat(stored.compactJson()).isEqualTo(original.compactJson());
    }

    @Test
    void aMessageSignedHereAnswersFromItsValue() {
        assertThat(signed("c2VjcmV0.box").isEncrypted()).isTrue();
        assertThat(signed(post("hi")).isEncrypted()).isFalse();
    }
}
