package org.conch.feed;

import org.conch.feed.json.Json;
import org.conch.feed.testing.Vectors;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every case of ssb-validation-dataset (the data ssb-validate's own tests run): conch accepts
 * exactly the valid ones, with the expected id, and refuses the invalid ones.
 */
class ValidationDatasetTest {

    @TestFactory
    List<DynamicTest> everyCaseGetsTheReferenceVerdict() throws IOException {
        String text = Files.readString(Vectors.folder("ssb-validation-dataset").resolve("data.json"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> cases = (List<Map<String, Object>>) Json.parse(text);
        assertThat(cases).hasSize(126);
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            Map<String, Object> c = cases.get(i);
            boolean valid = (Boolean) c.get("valid");
            String name = "case " + i + (valid ? " valid" : " invalid: " + c.get("error"));
            tests.add(DynamicTest.dynamicTest(name, () -> check(c, valid)));
        }
        return tests;
    }

    @SuppressWarnings("unchecked")
    private static void check(Map<String, Object> c, boolean valid) {
        FeedState state = c.get("state") instanceof Map<?, ?> s
                ? new FeedState(MessageId.parse((String) s.get("id")), ((Double) s.get("sequence")).longValue())
                : null;
        SignCap cap = SignCap.fromJson(c.get("hmacKey"));
        Object message = c.get("message");
        if (valid) {
            Message accepted = MessageValidator.validate(state, message, cap);
            assertThat(accepted.key().toString()).isEqualTo(c.get("id"));
        } else {
            assertThatThrownBy(() -> MessageValidator.validate(state, message, cap))
                    .isInstanceOf(InvalidMessageException.class);
        }
    }
}
