package org.conch.feed.ref;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.conch.feed.BlobId;
import org.junit.jupiter.api.Test;

class BlobIdTest {
    private static final String ID = "&abcdefg6bIh5dmyss7QH7uMrQxz3LKvgjer68we30aQ=.sha256";

    @Test
    void aCanonicalIdParsesAndPrintsBackUnchanged() {
        BlobId id = BlobId.parse(ID);

        assertThat(id.toString()).isEqualTo(ID);
        assertThat(BlobId.of(id.bytes())).isEqualTo(id).hasSameHashCodeAs(id);
    }

    @Test
    void nonCanonicalBase64IsRefused() {
        assertThatThrownBy(() -> BlobId.parse("&abcdefg6bIh5dmyss7QH7uMrQxz3LKvgjer68we30aR=.sha256"))
                .isInstanceOf(InvalidRefException.class)
                .hasMessageContaining("not canonical");
    }

    @Test
    void aHashOfAnotherLengthIsRefused() {
        assertThatThrownBy(() -> BlobId.parse("&abcdefg6bIh5dmyss7QH7uMrQxz3LKvgjer68we30a=.sha256"))
                .hasMessageContaining("found 43");
        assertThatThrownBy(() -> BlobId.of(new byte[0])).hasMessageContaining("needs 32 bytes, got 0");
    }

    @Test
    void aTrailingNewlineOrAQueryIsRefused() {
        assertThatThrownBy(() -> BlobId.parse(ID + "\n")).isInstanceOf(InvalidRefException.class);
        assertThat(BlobId.tryParse(ID + "?unbox=abc")).isEmpty();
    }

    @Test
    void onlyTheAmpersandSigilIsAccepted() {
        assertThatThrownBy(() -> BlobId.parse("%" + ID.substring(1))).hasMessageContaining("must start with '&'");
    }
}
