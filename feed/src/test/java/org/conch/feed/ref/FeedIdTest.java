package org.conch.feed.ref;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import org.conch.feed.FeedException;
import org.conch.feed.FeedId;
import org.junit.jupiter.api.Test;

class FeedIdTest {
    private static final String ID = "@gYCJpN4eGDjHFnWW2Fcusj8O4QYbVDUW6rNYh7nNEnc=.ed25519";
    private static final String BASE64 = "gYCJpN4eGDjHFnWW2Fcusj8O4QYbVDUW6rNYh7nNEnc=";

    @Test
    void aCanonicalIdParsesAndPrintsBackUnchanged() {
        FeedId id = FeedId.parse(ID);

        assertThat(id.toString()).isEqualTo(ID);
        assertThat(id.base64()).isEqualTo(BASE64);
        assertThat(id.bytes()).isEqualTo(Base64.getDecoder().decode(BASE64));
    }

    @Test
    void ofThirtyTwoKeyBytesWritesTheCanonicalForm() {
        byte[] key = Base64.getDecoder().decode(BASE64);

        assertThat(FeedId.of(key).toString()).isEqualTo(ID);
        assertThat(FeedId.of(key)).isEqualTo(FeedId.parse(ID));
    }

    @Test
    void theKeyBytesCannotBeChangedFromOutside() {
        byte[] key = Base64.getDecoder().decode(BASE64);
        FeedId id = FeedId.of(key);

        key[0] ^= 1;
        id.bytes()[1] ^= 1;

        assertThat(id.toString()).isEqualTo(ID);
    }

    @Test
    void nonCanonicalBase64IsRefused() {
        // 'd' instead of 'c' decodes to the same bytes but sets an unused bit: ssb would see a different id.
        String sameBytesOtherSpelling = "@gYCJpN4eGDjHFnWW2Fcusj8O4QYbVDUW6rNYh7nNEnd=.ed25519";

        assertThatThrownBy(() -> FeedId.parse(sameBytesOtherSpelling))
                .isInstanceOf(InvalidRefException.class)
                .isInstanceOf(FeedException.class)
                .hasMessageContaining(sameBytesOtherSpelling)
                .hasMessageContaining("not canonical");
    }

    @Test
    void aKeyOfAnotherLengthIsRefused() {
        assertThatThrownBy(() -> FeedId.parse("@" + BASE64.substring(4) + ".ed25519"))
                .isInstanceOf(InvalidRefException.class)
                .hasMessageContaining("must be 44 characters");
        assertThatThrownBy(() -> FeedId.of(new byte[31]))
                .isInstanceOf(InvalidRefException.class)
                .hasMessageContaining("needs 32 bytes, got 31");
    }

    @Test
    void aTrailingNewlineIsRefused() {
        assertThatThrownBy(() -> FeedId.parse(ID + "\n"))
                .isInstanceOf(InvalidRefException.class)
                .hasMessageContaining("\\n\"") // the input is quoted with the newline visible
                .hasMessageContaining("must end with \".ed25519\"");
    }

    @Test
    void otherSigilsAndSuffixesAreRefused() {
        assertThatThrownBy(() -> FeedId.parse("%" + BASE64 + ".ed25519")).hasMessageContaining("must start with '@'");
        // ssb-ref's isFeed accepts this one; a FeedId is always an ed25519 key.
        assertThatThrownBy(() -> FeedId.parse("@" + BASE64 + ".sha256")).hasMessageContaining("must end with");
        assertThatThrownBy(() -> FeedId.parse(" " + ID)).isInstanceOf(InvalidRefException.class);
        assertThatThrownBy(() -> FeedId.parse("")).isInstanceOf(InvalidRefException.class);
        assertThatThrownBy(() -> FeedId.parse(null)).isInstanceOf(InvalidRefException.class);
    }

    @Test
    void tryParseAnswersEmptyInsteadOfThrowing() {
        assertThat(FeedId.tryParse(ID)).contains(FeedId.parse(ID));
        assertThat(FeedId.tryParse("@cat")).isEmpty();
        assertThat(FeedId.tryParse(null)).isEmpty();
    }

    @Test
    void idsAreEqualWhenTheirBytesAreAndSortByUnsignedBytes() {
        byte[] low = new byte[32];
        byte[] high = new byte[32];
        high[0] = (byte) 0x80; // negative as a Java byte, yet sorts after zero

        List<FeedId> ids = new ArrayList<>(List.of(FeedId.of(high), FeedId.of(low)));
        Collections.sort(ids);

        assertThat(ids).containsExactly(FeedId.of(low), FeedId.of(high));
        assertThat(FeedId.of(low)).isEqualTo(FeedId.of(new byte[32])).hasSameHashCodeAs(FeedId.of(new byte[32]));
        assertThat(FeedId.of(low)).isNotEqualTo(FeedId.of(high));
    }
}
