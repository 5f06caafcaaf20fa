package org.conch.feed.io;

import org.conch.feed.FeedState;
import org.conch.feed.InvalidMessageException;
import org.conch.feed.Message;
import org.conch.feed.MessageValidator;
import org.conch.feed.SignCap;
import org.conch.feed.io.JsonLinesVerifier.LineResult;
import org.conch.feed.io.JsonLinesVerifier.Summary;
import org.conch.feed.json.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class JsonLinesVerifierTest {
    private final TestFeed alice = new TestFeed(1);
    private final TestFeed bob = new TestFeed(2);

    @Test
    void accepts_feeds_mixed_line_by_line_and_names_each_key() throws IOException {
        Message a1 = alice.next("a1");
        Message b1 = bob.next("b1");
        Message a2 = alice.next("a2");
        Message b2 = bob.next("b2");

        List<LineResult> results = new ArrayList<>();
        Summary summary = verifier().verify(input(a1, b1, a2, b2), results::add);

        assertThat(results).extracting(LineResult::key).containsExactly(a1.key(), b1.key(), a2.key(), b2.key());
        assertThat(results).extracting(LineResult::line).containsExactly(1L, 2L, 3L, 4L);
        assertThat(summary).isEqualTo(new Summary(4, 0, 0));
        assertThat(summary.allValid()).isTrue();
    }

    @Test
    void a_tampered_signature_is_invalid_and_the_feed_continues_from_its_last_valid_message() throws IOException {
        Message a1 = alice.next("a1");
        Message a2 = alice.next("a2");
        Message a3 = alice.next("a3");

        List<LineResult> results = verifyLines(TestFeed.line(a1), TestFeed.tamperedSignatureLine(a2),
                TestFeed.line(a2), TestFeed.line(a3));

        assertThat(results.get(0).valid()).isTrue();
        assertThat(results.get(1).valid()).isFalse();
        assertThat(results.get(1).error()).isEqualTo(alice.id() + ":2: " + InvalidMessageException.Reason.BAD_SIGNATURE.description());
        // The invalid line was not appended, so the genuine a2 still follows a1.
        assertThat(results.get(2).key()).isEqualTo(a2.key());
        assertThat(results.get(3).key()).isEqualTo(a3.key());
    }

    @Test
    void tampered_content_breaks_the_signature() throws IOException {
        Message a1 = alice.next("a1");

        List<LineResult> results = verifyLines(TestFeed.tamperedContentLine(a1));

        assertThat(results.get(0).valid()).isFalse();
        assertThat(results.get(0).error()).contains("signature does not verify");
    }

    @Test
    void a_second_message_at_a_sequence_already_seen_is_invalid() throws IOException {
        Message a1 = alice.next("a1");
        Message a2 = alice.next("a2");
        Message a2Fork = alice.signAfter(a1, "another a2");

        List<LineResult> results = verifyLines(TestFeed.line(a1), TestFeed.line(a2), TestFeed.line(a2Fork));

        assertThat(results.get(2).valid()).isFalse();
        assertThat(results.get(2).error()).startsWith(alice.id() + ":2: sequence does not follow").contains("expected 3");
    }

    @Test
    void a_message_whose_previous_is_not_the_latest_is_a_fork() throws IOException {
        Message a1 = alice.next("a1");
        Message a2 = alice.next("a2");
        Message a2Fork = alice.signAfter(a1, "another a2");
        Message a3OnFork = alice.signAfter(a2Fork, "a3 on the fork");

        List<LineResult> results = verifyLines(TestFeed.line(a1), TestFeed.line(a2), TestFeed.line(a3OnFork));

        assertThat(results.get(2).valid()).isFalse();
        assertThat(results.get(2).error()).startsWith(alice.id() + ":3: previous is not the feed's latest message: a fork")
                .contains("expected previous " + a2.key());
    }

    @Test
    void a_gap_is_invalid_and_the_missing_message_can_still_follow() throws IOException {
        Message a1 = alice.next("a1");
        Message a2 = alice.next("a2");
        Message a3 = alice.next("a3");

        List<LineResult> results = verifyLines(TestFeed.line(a1), TestFeed.line(a3), TestFeed.line(a2), TestFeed.line(a3));

        assertThat(results).extracting(LineResult::valid).containsExactly(true, false, true, true);
        assertThat(results.get(1).error()).isEqualTo(alice.id() + ":3: sequence does not follow the feed's latest (expected 2)");
    }

    @Test
    void a_feed_must_start_at_sequence_one() throws IOException {
        alice.next("a1");
        Message a2 = alice.next("a2");

        List<LineResult> results = verifyLines(TestFeed.line(a2));

        assertThat(results.get(0).error()).contains("the first message of a feed must have previous: null");
    }

    @Test
    void wrapped_messages_are_checked_against_their_key() throws IOException {
        Message a1 = alice.next("a1");
        Message a2 = alice.next("a2");
        Message b1 = bob.next("b1");

        List<LineResult> results = verifyLines(
                TestFeed.kvtLine(a1.key().toString(), a1),
                TestFeed.kvtLine(b1.key().toString(), a2),
                "{\"value\":" + a2.compactJson() + "}");

        assertThat(results.get(0).key()).isEqualTo(a1.key());
        assertThat(results.get(1).valid()).isFalse();
        assertThat(results.get(1).error())
                .isEqualTo(alice.id() + ":2: the line's key " + b1.key() + " is not the message's id " + a2.key());
        // The mismatched line was not appended, so a2 is accepted when it comes again without a key.
        assertThat(results.get(2).key()).isEqualTo(a2.key());
    }

    @Test
    void a_wrapper_key_that_is_not_a_string_is_invalid() throws IOException {
        Message a1 = alice.next("a1");

        List<LineResult> results = verifyLines("{\"key\":42,\"value\":" + a1.compactJson() + "}");

        assertThat(results.get(0).error()).isEqualTo("the key of a {key,value,timestamp} line must be a string, got number");
    }

    @Test
    void lines_that_are_not_json_are_invalid_and_do_not_stop_the_run() throws IOException {
        Message a1 = alice.next("a1");

        List<LineResult> results = verifyLines("{\"previous\": nul", "[1,2", TestFeed.line(a1), "42");

        assertThat(results).extracting(LineResult::valid).containsExactly(false, false, true, false);
        assertThat(results.get(0).error()).startsWith("not valid JSON");
        assertThat(results.get(3).error()).contains("author is not a feed id");
    }

    @Test
    void blank_lines_get_no_result_but_keep_their_numbers() throws IOException {
        Message a1 = alice.next("a1");
        Message a2 = alice.next("a2");
        String text = "\n" + TestFeed.line(a1) + "\n   \n\t\n" + TestFeed.line(a2) + "\n\n";

        List<LineResult> results = new ArrayList<>();
        Summary summary = verifier().verify(new StringReader(text), results::add);

        assertThat(results).extracting(LineResult::line).containsExactly(2L, 5L);
        assertThat(summary).isEqualTo(new Summary(2, 0, 4));
    }

    @Test
    void crlf_line_ends_and_a_missing_final_newline_are_fine() throws IOException {
        Message a1 = alice.next("a1");
        Message a2 = alice.next("a2");

        List<LineResult> results = new ArrayList<>();
        verifier().verify(new StringReader(TestFeed.line(a1) + "\r\n" + TestFeed.line(a2)), results::add);

        assertThat(results).extracting(LineResult::valid).containsExactly(true, true);
    }

    @Test
    void a_line_too_long_for_any_message_is_invalid_without_being_held() throws IOException {
        Message a1 = alice.next("a1");
        String huge = "\"" + "x".repeat(JsonLineReader.MAX_LINE_CHARS + 1) + "\"";

        List<LineResult> results = verifyLines(huge, TestFeed.line(a1));

        assertThat(results.get(0).error()).isEqualTo("line is longer than 1048576 characters");
        assertThat(results.get(1).valid()).isTrue();
    }

    @Test
    void results_are_compact_json_lines() throws IOException {
        Message a1 = alice.next("a1");

        List<LineResult> results = verifyLines(TestFeed.line(a1), "nope");

        assertThat(results.get(0).toJson()).isEqualTo("{\"line\":1,\"valid\":true,\"key\":\"" + a1.key() + "\"}");
        assertThat(results.get(1).toJson()).startsWith("{\"line\":2,\"valid\":false,\"error\":\"not valid JSON");
        assertThat(Json.parseObject(results.get(1).toJson())).containsEntry("valid", false);
    }

    @Test
    void parallel_chunks_give_exactly_the_verdicts_of_validating_line_by_line() throws IOException {
        List<String> lines = mixedLinesWithDamage(600, new Random(7));

        List<LineResult> expected = validateOneByOne(lines);
        for (int[] threadsAndChunk : new int[][]{{1, 1}, {2, 7}, {2, 1024}, {3, 50}}) {
            List<LineResult> actual = new ArrayList<>();
            new JsonLinesVerifier(SignCap.NONE, threadsAndChunk[0], threadsAndChunk[1])
                    .verify(new StringReader(String.join("\n", lines)), actual::add);
            assertThat(actual).as("threads %d, chunk %d", threadsAndChunk[0], threadsAndChunk[1]).isEqualTo(expected);
        }
        assertThat(expected).extracting(LineResult::valid).contains(true, false);
    }

    /** Three feeds interleaved, with some lines damaged in every way a line can be. */
    private List<String> mixedLinesWithDamage(int count, Random random) {
        TestFeed[] feeds = {alice, bob, new TestFeed(3)};
        Message[] previous = new Message[feeds.length];
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int f = random.nextInt(feeds.length);
            Message message = feeds[f].next("message " + i);
            String line = switch (random.nextInt(12)) {
                case 0 -> TestFeed.tamperedSignatureLine(message);
                case 1 -> TestFeed.tamperedContentLine(message);
                case 2 -> TestFeed.line(feeds[f].signAfter(previous[f], "fork " + i)); // same sequence again, or a fork
                case 3 -> "{not json";
                case 4 -> TestFeed.kvtLine(message.key().toString(), message);
                default -> TestFeed.line(message);
            };
            // Sometimes skip a message, leaving a gap the rest of that feed falls into.
            if (random.nextInt(40) != 0) lines.add(line);
            previous[f] = message;
        }
        return lines;
    }

    /** The reference: ssb-validate's loop, one line at a time, with MessageValidator.validate. */
    private static List<LineResult> validateOneByOne(List<String> lines) {
        Map<Object, FeedState> states = new HashMap<>();
        List<LineResult> results = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            long number = i + 1;
            Object value;
            String key = null;
            try {
                value = Json.parse(lines.get(i));
            } catch (RuntimeException e) {
                results.add(new LineResult(number, false, null, e.getMessage()));
                continue;
            }
            if (value instanceof Map<?, ?> map && map.containsKey("value") && !map.containsKey("author")) {
                key = (String) map.get("key");
                value = map.get("value");
            }
            Object author = value instanceof Map<?, ?> map ? map.get("author") : null;
            try {
                Message message = MessageValidator.validate(states.get(author), value, SignCap.NONE);
                if (key != null && !key.equals(message.key().toString())) throw new AssertionError("test lines carry right keys");
                states.put(author, FeedState.of(message));
                results.add(new LineResult(number, true, message.key(), null));
            } catch (InvalidMessageException e) {
                results.add(new LineResult(number, false, null, e.getMessage()));
            }
        }
        return results;
    }

    private static JsonLinesVerifier verifier() {
        return new JsonLinesVerifier(SignCap.NONE, 2, 3);
    }

    private static StringReader input(Message... messages) {
        StringBuilder text = new StringBuilder();
        for (Message message : messages) text.append(TestFeed.line(message)).append('\n');
        return new StringReader(text.toString());
    }

    private static List<LineResult> verifyLines(String... lines) throws IOException {
        List<LineResult> results = new ArrayList<>();
        verifier().verify(new StringReader(String.join("\n", lines) + "\n"), results::add);
        return results;
    }
}
