package org.conch.feed.ref;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.conch.feed.FeedId;
import org.conch.feed.MessageId;
import org.junit.jupiter.api.Test;

class MessageIdTest {
    private static final String ID = "%pGzeEydYdHjKW1iIchR0Yumydsr3QSp8+FuYcwVwi8Q=.sha256";

    @Test
    void aCanonicalIdParsesAndPrintsBackUnchanged() {
        MessageId id = MessageId.parse(ID);

        assertThat(id.toString()).isEqualTo(ID);
        assertThat(MessageId.of(id.bytes())).isEqualTo(id);
        assertThat(id.bytes()).isEqualTo(Base64.getDecoder().decode(id.base64()));
    }

    @Test
    void nonCanonicalBase64IsRefused() {
        assertThatThrownBy(() -> MessageId.parse("%pGzeEydYdHjKW1iIchR0Yumydsr3QSp8+FuYcwVwi8R=.sha256"))
                .isInstanceOf(InvalidRefException.class)
                .hasMessageContaining("not canonical");
    }

    @Test
    void aHashOfAnotherLengthIsRefused() {
        assertThatThrownBy(() -> MessageId.parse("%cat=.sha256")).hasMessageContaining("found 4");
        assertThatThrownBy(() -> MessageId.of(new byte[33])).hasMessageContaining("needs 32 bytes, got 33");
    }

    @Test
    void aTrailingNewlineIsRefused() {
        assertThatThrownBy(() -> MessageId.parse(ID + "\n")).isInstanceOf(InvalidRefException.class);
    }

    @Test
    void onlyThePercentSigilAndTheSha256SuffixAreAccepted() {
        assertThatThrownBy(() -> MessageId.parse("&" + ID.substring(1))).hasMessageContaining("must start with '%'");
        assertThatThrownBy(() -> MessageId.parse("%dGhlIHF1aWNrIGJyb3duIGZveCBqdW1wZWQh.gabster-v2"))
                .hasMessageContaining("must end with \".sha256\"");
        assertThat(MessageId.tryParse(ID.replace(".sha256", ".cloaked"))).isEmpty();
    }

    @Test
    void theSameBytesMakeDifferentKindsOfRef() {
        MessageId message = MessageId.parse(ID);

        assertThat(message).isNotEqualTo(FeedId.of(message.bytes()));
        assertThat(FeedId.of(message.bytes()).base64()).isEqualTo(message.base64());
    }
}
