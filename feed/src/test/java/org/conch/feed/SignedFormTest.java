package org.conch.feed;

import org.conch.feed.json.CanonicalJson;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SignedFormTest {
    private static final Identity ALICE = Identity.fromSeed(new byte[32]);

    /** A post with text outside ASCII, outside the BMP (a surrogate pair) and needing escapes. */
    private static Message signedPost() {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("type", "post");
        content.put("text", "héllo ✓ 🌱 \"quoted\" \\ \n tab\t \u0001 \ud800 lone");
        return MessageSigner.sign(ALICE, null, content, 1.7e12, SignCap.NONE);
    }

    @Test
    void theIdHashesTheLowByteOfEachUtf16UnitAsNodesBinaryBufferDoes() throws Exception {
        Message message = signedPost();
        String pretty = CanonicalJson.pretty(message.value());
        byte[] low = new byte[pretty.length()];
        for (int i = 0; i < low.length; i++) low[i] = (byte) pretty.charAt(i);

        SignedForm form = SignedForm.of();
        assertThat(form.render(message.value())).isEqualTo(pretty.length());
        assertThat(form.text()).isEqualTo(pretty);
        assertThat(form.id().bytes()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(low));
        assertThat(form.id()).isEqualTo(message.key());
    }

    @Test
    void theSignatureIsCheckedOverTheUtf8WithoutTheSignatureLineAndTheBufferIsLeftAsItWas() {
        Message message = signedPost();
        SignedForm form = SignedForm.of();
        form.render(message.value());
        byte[] signature = java.util.Base64.getDecoder().decode(((String) message.value().get("signature")).replace(".sig.ed25519", ""));
        byte[] compactBefore = form.compactUtf8();

        assertThat(form.signedBy(ALICE.id().bytes(), signature, SignCap.NONE)).isTrue();
        assertThat(form.signedBy(ALICE.id().bytes(), signature, SignCap.NONE)).as("asked twice").isTrue();
        signature[3] ^= 1;
        assertThat(form.signedBy(ALICE.id().bytes(), signature, SignCap.NONE)).isFalse();
        assertThat(form.compactUtf8()).as("the text is whole after each check").isEqualTo(compactBefore);
    }

    @Test
    void theCompactFormIsJsonStringifyWithoutIndentationInUtf8() {
        Message message = signedPost();
        SignedForm form = SignedForm.of();
        form.render(message.value());
        assertThat(form.compactUtf8()).isEqualTo(CanonicalJson.compact(message.value()).getBytes(StandardCharsets.UTF_8));
    }
}
