package org.conch.feed.json;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.constraints.Size;
import org.conch.feed.testing.Fuzz;
import org.conch.feed.testing.FuzzSeeds;
import org.conch.feed.testing.Mutations;

/**
 * {@link Json#parse} on bytes from outside (muxrpc bodies, lines of an import file): it returns a value or throws
 * {@link JsonException}, never anything else, in bounded time and stack; and whatever it returns can be written
 * back as JSON, since a received message is re-encoded to check its signature.
 */
@Fuzz.Target
class JsonFuzzTest {

    @Property(tries = 2_000)
    void arbitraryBytesParseOrFailAsJson(@ForAll @Size(max = 512) byte[] input) {
        parseAndReencode(input);
    }

    @Property(tries = 2_000)
    void mutatedMessagesParseOrFailAsJson(@ForAll("mutatedJson") byte[] input) {
        parseAndReencode(input);
    }

    /** Nesting far past the depth limit fails as JSON, not with a StackOverflowError. */
    @Property(tries = 50)
    void deepNestingFailsAsJson(@ForAll("depths") int depth, @ForAll("openers") String opener) {
        String text = opener.repeat(depth);
        Fuzz.call(() -> Json.parse(text)).allowing(JsonException.class);
    }

    @Provide
    Arbitrary<byte[]> mutatedJson() {
        return Mutations.ofBytes(Mutations.utf8(FuzzSeeds.messageTexts()), Mutations.utf8(FuzzSeeds.JSON_TOKENS));
    }

    /** Uniform up to 200,000 levels: mostly far past the parser's limit of 1,000. */
    @Provide
    Arbitrary<Integer> depths() {
        return Arbitraries.integers().between(1, 200_000).withDistribution(RandomDistribution.uniform());
    }

    @Provide
    Arbitrary<String> openers() {
        return Arbitraries.of("[", "{\"a\":", "[{\"b\":[", "[1,");
    }

    private static void parseAndReencode(byte[] input) {
        Fuzz.call(() -> {
            Object value = Json.parse(input);
            byte[] pretty = CanonicalJson.pretty(value).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            String compact = CanonicalJson.compact(value);
            // A received message's stored form is derived from its pretty form: the two must agree.
            String derived = new String(CanonicalJson.compactFromPretty(pretty, pretty.length), java.nio.charset.StandardCharsets.UTF_8);
            if (!derived.equals(compact)) throw new AssertionError("compact form from pretty " + derived + " != " + compact);
            return compact;
        }).allowing(JsonException.class);
    }
}
