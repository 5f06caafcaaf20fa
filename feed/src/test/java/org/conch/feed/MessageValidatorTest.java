package org.conch.feed;

import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules of {@link MessageValidator} that have a hand-written fast path beside ssb-validate's regular
 * expressions; the validation dataset and the fuzz tests cover the rest.
 */
class MessageValidatorTest {
    private static final String AUTHOR = "@gYCJpN4eGDjHFnWW2Fcusj8O4QYbVDUW6rNYh7nNEnc=.ed25519";

    @Test
    void theSignatureFormatAnswersAsTheExpressionsForEveryOneCharacterChange() {
        byte[] bytes = new byte[Ed25519.SIGNATURE_SIZE];
        for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) (i * 37 + 11);
        String signature = Base64.getEncoder().encodeToString(bytes) + ".sig.ed25519";
        String characters = "\u0000\n .=+/-_AQgwBZbz19\u0085\u00e9";
        List<String> authors = List.of(AUTHOR, AUTHOR.replace(".ed25519", ".sha256"), AUTHOR.replace(".ed25519", "Xed25519"));
        int accepted = 0;
        for (String author : authors) {
            for (int at = 0; at < signature.length(); at++) {
                for (char c : characters.toCharArray()) {
                    String changed = signature.substring(0, at) + c + signature.substring(at + 1);
                    boolean answer = MessageValidator.signatureMatchesCurve(changed, author);
                    assertThat(answer).as(changed + " by " + author)
                            .isEqualTo(MessageValidator.signatureMatchesCurveByExpressions(changed, author));
                    if (answer) accepted++;
                }
            }
        }
        assertThat(accepted).isGreaterThan(signature.length()); // many changes keep the format, most do not
        assertThat(MessageValidator.signatureMatchesCurve(signature, AUTHOR)).isTrue();
        assertThat(MessageValidator.signatureMatchesCurve(signature + "x", AUTHOR)).isFalse();
        assertThat(MessageValidator.signatureMatchesCurve(42.0, AUTHOR)).isFalse();
    }
}
