package org.conch.feed;

import org.conch.feed.json.CanonicalJson;
import org.conch.feed.json.Json;
import org.conch.feed.testing.NodeReference;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of messages signed by the JavaScript reference (ssb-keys 8.5.0, ssb-validate 4.1.4)
 * with hostile content — every escape class, lone and paired surrogates, U+2028, awkward numbers,
 * integer-like keys, sizes at 8191/8192/8193 units, HMAC caps — and mutated invalid variants.
 * conch must reach the same verdict on every one, compute the same id, and produce the same
 * signature when it signs the same value with the same key.
 */
class ReferenceCorpusTest {
    private static final int CASES = 3000;

    @Test
    void conchAgreesWithTheJavaScriptReferenceOnEveryCase() throws Exception {
        List<String> lines = NodeReference.run("gen-classic-corpus.js", "--count", String.valueOf(CASES), "--seed", "20261121");
        assertThat(lines).hasSizeGreaterThanOrEqualTo(CASES);

        List<String> divergences = new ArrayList<>();
        int valid = 0;
        int resigned = 0;
        int signedInCreateOrder = 0;
        List<String> unrepresentableStates = new ArrayList<>();
        for (String line : lines) {
            Map<String, Object> c = Json.parseObject(line);
            String name = String.valueOf(c.get("case"));
            if (!isRepresentable(c.get("state"))) {
                // A feed state whose id is not a message id never exists in conch: it only holds states
                // of messages it validated.
                unrepresentableStates.add(name);
                continue;
            }
            boolean referenceValid = Boolean.TRUE.equals(c.get("valid"));
            FeedState state = stateOf(c.get("state"));
            SignCap cap = SignCap.fromJson(c.get("hmacKey"));
            Object value = c.get("message");
            Message accepted = null;
            String error = null;
            try {
                accepted = MessageValidator.validate(state, value, cap);
            } catch (InvalidMessageException e) {
                error = e.getMessage();
            }
            if (referenceValid != (accepted != null)) {
                divergences.add(name + ": reference says " + (referenceValid ? "valid" : "invalid (" + c.get("error") + ")")
                        + ", conch says " + (accepted != null ? "valid" : "invalid (" + error + ")"));
                continue;
            }
            if (!referenceValid) continue;
            valid++;
            if (!accepted.key().toString().equals(c.get("id"))) {
                divergences.add(name + ": id " + accepted.key() + " but reference " + c.get("id"));
            }
            if (c.get("secret") instanceof String secret) {
                String problem = resign(secret, cast(value), cap);
                if (problem != null) divergences.add(name + ": " + problem);
                resigned++;
                if (hasSignerOrder(cast(value))) signedInCreateOrder++;
            }
        }
        assertThat(divergences).as("cases where conch and ssb-validate disagree").isEmpty();
        assertThat(unrepresentableStates).allMatch(name -> name.startsWith("artificial-state")).hasSizeLessThan(20);
        assertThat(valid).as("valid cases").isGreaterThan(CASES / 3);
        assertThat(resigned).as("valid cases re-signed by conch").isEqualTo(valid);
        assertThat(signedInCreateOrder).as("valid cases MessageSigner reproduced whole").isGreaterThan(CASES / 10);
    }

    /** Signs the reference's value again with the same key; the signature must come out identical. */
    private static String resign(String secret, Map<String, Object> reference, SignCap cap) {
        Map<String, Object> keys = new LinkedHashMap<>();
        keys.put("private", secret);
        Identity identity = Identity.fromKeysJson(keys);
        if (!identity.id().toString().equals(reference.get("author"))) {
            return "secret belongs to " + identity.id() + ", not the author";
        }
        Map<String, Object> unsigned = new LinkedHashMap<>(reference);
        unsigned.remove("signature");
        byte[] signature = identity.sign(cap.apply(CanonicalJson.pretty(unsigned).getBytes(StandardCharsets.UTF_8)));
        String referenceSignature = (String) reference.get("signature");
        byte[] referenceBytes = Base64s.decodeLenient(referenceSignature.substring(0, referenceSignature.indexOf('.')));
        // Mutated cases pad the signature to 65 or 66 bytes; the first 64 are the signature.
        if (!java.util.Arrays.equals(signature, java.util.Arrays.copyOf(referenceBytes, signature.length))) {
            return "conch's signature " + java.util.Base64.getEncoder().encodeToString(signature)
                    + " differs from the reference's " + referenceSignature;
        }
        if (hasSignerOrder(reference) && referenceBytes.length == signature.length) {
            FeedState previous = reference.get("previous") instanceof String id
                    ? new FeedState(MessageId.parse(id), ((Double) reference.get("sequence")).longValue() - 1) : null;
            Message signed = MessageSigner.sign(identity, previous, reference.get("content"),
                    (Double) reference.get("timestamp"), cap);
            if (!signed.compactJson().equals(CanonicalJson.compact(reference))) {
                return "MessageSigner produced " + signed.compactJson();
            }
        }
        return null;
    }

    /** ssb-validate's create order, which MessageSigner writes. */
    private static boolean hasSignerOrder(Map<String, Object> value) {
        Iterator<String> keys = value.keySet().iterator();
        return keys.next().equals("previous") && keys.next().equals("sequence") && keys.next().equals("author")
                && value.get("timestamp") instanceof Double;
    }

    private static boolean isRepresentable(Object state) {
        return !(state instanceof Map<?, ?> s)
                || (s.get("id") instanceof String id && MessageId.tryParse(id).isPresent() && s.get("sequence") instanceof Double);
    }

    private static FeedState stateOf(Object state) {
        if (!(state instanceof Map<?, ?> s)) return null;
        return new FeedState(MessageId.parse((String) s.get("id")), ((Double) s.get("sequence")).longValue());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object value) {
        return (Map<String, Object>) value;
    }
}
