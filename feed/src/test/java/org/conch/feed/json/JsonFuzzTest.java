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

    /**
     * Bytes that are an object or array in well-formed UTF-8 are parsed without a String in between; for
     * every input, that gives what decoding to a String first (Node's way) gives, or fails as it does.
     */
    @Property(tries = 3_000)
    void parsingBytesAgreesWithParsingTheirDecodedText(@ForAll("mutatedJson") byte[] input) {
        String viaText;
        try {
            viaText = CanonicalJson.compact(Json.parse(new String(input, java.nio.charset.StandardCharsets.UTF_8)));
        } catch (JsonException e) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Json.parse(input)).isInstanceOf(JsonException.class);
            return;
        }
        org.assertj.core.api.Assertions.assertThat(CanonicalJson.compact(Json.parse(input))).isEqualTo(viaText);
    }

    /** The well-formedness check agrees with Java's strict UTF-8 decoder on any bytes. */
    @Property(tries = 3_000)
    void wellFormedUtf8IsWhatAStrictDecoderAccepts(@ForAll("utf8ish") byte[] input) {
        boolean strict;
        try {
            java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(input));
            strict = true;
        } catch (java.nio.charset.CharacterCodingException e) {
            strict = false;
        }
        org.assertj.core.api.Assertions.assertThat(Json.isWellFormedUtf8(input)).isEqualTo(strict);
    }

    /** Mostly the lead and continuation bytes where UTF-8's rules bite, with some ASCII between. */
    @Provide
    Arbitrary<byte[]> utf8ish() {
        return Arbitraries.oneOf(
                        Arbitraries.of((byte) 0x80, (byte) 0x8f, (byte) 0x90, (byte) 0x9f, (byte) 0xa0, (byte) 0xbf,
                                (byte) 0xc0, (byte) 0xc1, (byte) 0xc2, (byte) 0xdf, (byte) 0xe0, (byte) 0xed, (byte) 0xef,
                                (byte) 0xf0, (byte) 0xf4, (byte) 0xf5, (byte) 0xff, (byte) 'a'),
                        Arbitraries.bytes())
                .array(byte[].class).ofMaxSize(12);
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
