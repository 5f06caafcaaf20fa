package org.conch.feed.io;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.conch.feed.Message;
import org.conch.feed.SignCap;
import org.conch.feed.io.JsonLinesVerifier.LineResult;
import org.conch.feed.io.JsonLinesVerifier.Summary;
import org.conch.feed.json.CanonicalJson;
import org.conch.feed.testing.Fuzz;
import org.conch.feed.testing.FuzzSeeds;
import org.conch.feed.testing.Mutations;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The import file ({@code conch verify FILE}, {@code conch import}): JSON lines of signed messages, some wrapped
 * in {@code {key,value,timestamp}}, here mutated line by line and as a whole (lines split, joined, duplicated,
 * cut). {@link JsonLinesVerifier} never throws on such a file: every non-blank line gets one verdict, in order,
 * the summary adds up, and the verdicts do not depend on the threads and chunk size that verify it.
 */
@Fuzz.Target
class JsonLinesVerifierFuzzTest {
    private static final List<String> LINE_TOKENS = List.of("\n", "\r\n", "\r", "\n\n", " \t", "\u2028", "\u0000",
            "{\"value\":", "{\"key\":null,\"value\":", "{\"key\":1,\"value\":", "}", ",\"timestamp\":1}");

    @Property(tries = 300)
    void everyLineGetsOneVerdictWhateverTheThreads(@ForAll("files") String file) {
        List<LineResult> serial = new ArrayList<>();
        List<LineResult> parallel = new ArrayList<>();
        Summary summary = Fuzz.call(() -> new JsonLinesVerifier(SignCap.NONE, 1, 1)
                .verify(new StringReader(file), serial::add)).allowing();
        Summary parallelSummary = Fuzz.call(() -> new JsonLinesVerifier(SignCap.NONE, 2, 3)
                .verify(new StringReader(file), parallel::add)).allowing();

        long lines = file.isEmpty() ? 0 : file.split("\n", -1).length - (file.endsWith("\n") ? 1 : 0);
        assertThat(summary.checked() + summary.blankLines()).isEqualTo(lines);
        assertThat(serial).hasSize((int) summary.checked());
        assertThat(serial.stream().filter(LineResult::valid).count()).isEqualTo(summary.valid());
        assertThat(serial).extracting(LineResult::line).isSorted().doesNotHaveDuplicates()
                .allMatch(line -> line >= 1 && line <= lines);
        serial.forEach(LineResult::toJson);
        assertThat(parallel).isEqualTo(serial);
        assertThat(parallelSummary).isEqualTo(summary);
    }

    /** Up to a dozen lines, each a valid line of one feed (in order or not), a wrapped one or a mutated one. */
    @Provide
    Arbitrary<String> files() {
        List<Message> feed = FuzzSeeds.signedFeed(6);
        List<String> lines = new ArrayList<>();
        for (Message message : feed) {
            lines.add(message.compactJson());
            lines.add(TestFeed.kvtLine(message.key().toString(), message));
        }
        FuzzSeeds.messages().stream().limit(40).map(CanonicalJson::compact).forEach(lines::add);
        Arbitrary<String> line = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(lines)),
                Tuple.of(2, Mutations.ofStrings(lines, FuzzSeeds.JSON_TOKENS)),
                Tuple.of(1, Arbitraries.of("", " ", "\t\r", "{}", "null", "[]", "{\"value\":null}")));
        Arbitrary<String> file = line.list().ofMaxSize(12).map(list -> String.join("\n", list));
        return Arbitraries.frequencyOf(Tuple.of(3, file),
                Tuple.of(1, file.flatMap(text -> Mutations.ofStrings(List.of(text), LINE_TOKENS))));
    }
}
