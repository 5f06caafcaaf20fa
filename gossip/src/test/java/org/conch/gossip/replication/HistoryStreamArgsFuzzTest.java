package org.conch.gossip.replication;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.conch.feed.testing.Fuzz;
import org.conch.feed.testing.FuzzSeeds;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The arguments of a peer's {@code createHistoryStream} call, as JSON values of any shape: {@link
 * HistoryStreamArgs#parse} returns arguments within their documented ranges or throws the
 * {@link IllegalArgumentException} whose message is sent back as the call's error, nothing else.
 */
@Fuzz.Target
class HistoryStreamArgsFuzzTest {

    @Property(tries = 2_000)
    void argumentsParseIntoTheirRangesOrAreRefused(@ForAll("args") List<Object> args) {
        HistoryStreamArgs parsed = Fuzz.call(() -> HistoryStreamArgs.parse(args)).allowing(IllegalArgumentException.class);
        if (parsed != null) {
            assertThat(parsed.sequence()).isGreaterThanOrEqualTo(1);
            assertThat(parsed.limit() == -1 || parsed.limit() >= 1).isTrue();
        }
    }

    /** Lists of JSON values whose objects use the option names, with feed ids among the strings. */
    @Provide
    Arbitrary<List<Object>> args() {
        return FuzzSeeds.jsonValues(2, FuzzSeeds.refInputs("isFeed"),
                        List.of("id", "seq", "sequence", "live", "old", "limit", "keys", "values"))
                .list().ofMaxSize(4);
    }
}
