package org.conch.feed.testing;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;
import org.conch.feed.FeedState;
import org.conch.feed.Identity;
import org.conch.feed.Message;
import org.conch.feed.MessageSigner;
import org.conch.feed.SignCap;
import org.conch.feed.json.CanonicalJson;
import org.conch.feed.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Seeds for the fuzzers from the shared vectors (read in place), with built-in stand-ins so that a clone without
 * {@code ../shared} still fuzzes something: signed messages, and the inputs of ssb-ref's own tests.
 */
public final class FuzzSeeds {
    /** Tokens worth inserting into JSON text: structure, escapes, numbers at the edges of doubles and int32. */
    public static final List<String> JSON_TOKENS = List.of("{", "}", "[", "]", ",", ":", "\"", "\\", "\\u0000",
            "\\ud800", "\\udc00", "\\u2028", "null", "true", "false", "-0", "1e309", "-1e309", "4294967296",
            "2147483648", "-2147483649", "0.1", "1e-400", "9007199254740993", "\"sequence\":", "\"previous\":",
            "\"author\":", "\"content\":", "\"signature\":", "\"hash\":", "\"sha256\"", "\"value\":", "\"key\":",
            "{\"type\":\"post\"}", ".sig.ed25519", ".box", "\u0000", "\n", "\r", "\t", " ", "\u00e9", "\ud83d\ude00",
            "\ud800", "\ufeff", "\u2028");
    /** Tokens worth inserting into refs, addresses and invites. */
    public static final List<String> REF_TOKENS = List.of("@", "%", "&", ".ed25519", ".sha256", ".cloaked", "=",
            "==", ":", "::", "~", "~shs:", "net:", "ws:", "wss://", "onion:", ";", "!", "#", "[", "]", "?", "&amp;",
            "%25", "%3A", "%E0%A4%A", "8008", "0", "65535", "65536", "-1", "99999999999", "localhost", "127.0.0.1",
            "::1", "fe80::1%eth0", "[::1]", ".", "/", "+", " ", "\t", "\n", "\u0000", "\u00e9", "\ud800",
            "\ud83d\ude00", "\u2028", "\u0130", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");

    private static final String DATASET = "ssb-validation-dataset";
    private static final String SSB_REF = "ssb-ref";
    /** A feed, message and blob id, an address and both invite spellings, for a clone without the vectors. */
    private static final List<String> BUILT_IN_REFS = List.of(
            "@gYCJpN4eGDjHFnWW2Fcusj8O4QYbVDUW6rNYh7nNEnc=.ed25519",
            "%ybJG6SQH63+71OtO9r7cnxeOgEZyZQdecsGaPQXo/CM=.sha256",
            "&ybJG6SQH63+71OtO9r7cnxeOgEZyZQdecsGaPQXo/CM=.sha256",
            "net:145.12.20.3:8080~shs:gYCJpN4eGDjHFnWW2Fcusj8O4QYbVDUW6rNYh7nNEnc=",
            "145.12.20.3:8080:@gYCJpN4eGDjHFnWW2Fcusj8O4QYbVDUW6rNYh7nNEnc=.ed25519~DxiHEv+ds+zUzA49efDgZk8ssGeqrp/5kgvRVzTM7vU=",
            "net:145.12.20.3:8080~shs:gYCJpN4eGDjHFnWW2Fcusj8O4QYbVDUW6rNYh7nNEnc=:DxiHEv+ds+zUzA49efDgZk8ssGeqrp/5kgvRVzTM7vU=");

    private FuzzSeeds() {
    }

    /**
     * Message values: every message of ssb-validation-dataset (valid and not) and a short feed signed here, in
     * {@link Json}'s model.
     */
    public static List<Object> messages() {
        List<Object> messages = new ArrayList<>();
        vectorJson(DATASET, "data.json").ifPresent(cases -> {
            for (Object testCase : (List<?>) cases) {
                messages.add(((Map<?, ?>) testCase).get("message"));
            }
        });
        messages.addAll(signedFeed(3).stream().map(Message::value).toList());
        return messages;
    }

    /** {@link #messages()} as JSON text, each both pretty (as signed) and compact (as on a line). */
    public static List<String> messageTexts() {
        List<String> texts = new ArrayList<>();
        for (Object message : messages()) {
            texts.add(CanonicalJson.pretty(message));
            texts.add(CanonicalJson.compact(message));
        }
        return texts;
    }

    /** The first {@code length} messages of a feed signed by a fixed key: valid in this order. */
    public static List<Message> signedFeed(int length) {
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) 7);
        Identity identity = Identity.fromSeed(seed);
        List<Message> feed = new ArrayList<>();
        FeedState state = null;
        for (int i = 1; i <= length; i++) {
            Map<String, Object> content = new LinkedHashMap<>();
            content.put("type", "post");
            content.put("text", "message " + i + " \u00e9\ud83d\ude00");
            Message message = MessageSigner.sign(identity, state, content, 1_700_000_000_000.0 + i, SignCap.NONE);
            feed.add(message);
            state = FeedState.of(message);
        }
        return feed;
    }

    /**
     * The string inputs of ssb-ref's tests for the named functions ({@code "parseInvite"}, {@code "isFeed"}; none
     * named: all), plus built-in refs, addresses and invites.
     */
    public static List<String> refInputs(String... functions) {
        Set<String> wanted = Set.of(functions);
        List<String> inputs = new ArrayList<>(BUILT_IN_REFS);
        vectorJson(SSB_REF, "cases.json").ifPresent(file -> {
            for (Object testCase : (List<?>) ((Map<?, ?>) file).get("cases")) {
                Map<?, ?> c = (Map<?, ?>) testCase;
                if ((wanted.isEmpty() || wanted.contains(c.get("fn"))) && c.get("input") instanceof String input) {
                    inputs.add(input);
                }
            }
        });
        return inputs;
    }

    /**
     * Text a parser of refs, addresses or invites may be given: {@link #refInputs} mutated with {@link #REF_TOKENS},
     * or any string at all.
     */
    public static Arbitrary<String> refLike(String... functions) {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Mutations.ofStrings(refInputs(functions), REF_TOKENS)),
                Tuple.of(1, Arbitraries.strings().ofMaxLength(200)));
    }

    /**
     * Values of {@link Json}'s model nested up to {@code depth}: numbers at the edges of int32 and doubles, any
     * strings and the given ones, arrays, and objects with the given keys.
     */
    public static Arbitrary<Object> jsonValues(int depth, List<String> strings, List<String> keys) {
        Arbitrary<Object> leaf = Arbitraries.oneOf(
                Arbitraries.<Object>just(null),
                Arbitraries.<Object>of(true, false),
                Arbitraries.doubles().map(d -> (Object) d),
                Arbitraries.<Object>of(0.0, -0.0, 1.0, 2.0, 2147483647.0, 2147483648.0, -2147483649.0, 1e300,
                        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE),
                Arbitraries.strings().ofMaxLength(40).map(s -> (Object) s),
                Arbitraries.<Object>of(strings),
                Arbitraries.<Object>of("sha256", "post", "ab", "x".repeat(53), "AAAA.box", "=.sig.ed25519"));
        if (depth == 0) return leaf;
        Arbitrary<Object> child = jsonValues(depth - 1, strings, keys);
        return Arbitraries.frequencyOf(
                Tuple.of(4, leaf),
                Tuple.of(1, child.list().ofMaxSize(4).map(list -> (Object) list)),
                Tuple.of(1, Arbitraries.maps(Arbitraries.of(keys), child).ofMaxSize(3)
                        .map(map -> (Object) new LinkedHashMap<>(map))));
    }

    /** A JSON file of the vectors, parsed ({@link Json}'s model), when the vectors are there. */
    public static Optional<Object> vectorJson(String folder, String file) {
        return Vectors.optionalFolder(folder).map(path -> {
            try {
                return Json.parse(Files.readString(path.resolve(file)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
