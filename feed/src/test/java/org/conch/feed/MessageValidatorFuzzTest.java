package org.conch.feed;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.conch.feed.json.Json;
import org.conch.feed.json.JsonException;
import org.conch.feed.testing.Fuzz;
import org.conch.feed.testing.FuzzSeeds;
import org.conch.feed.testing.Mutations;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link MessageValidator} on messages a peer sends: mutated signed messages (the validation dataset and a feed
 * signed here) parsed from text, and arbitrary JSON values, some shaped like messages. It accepts a message or
 * throws {@link InvalidMessageException} (the text may also fail as {@link JsonException}), never anything else;
 * what it accepts has the id of its signed JSON and is accepted again.
 */
@Fuzz.Target
class MessageValidatorFuzzTest {
    private static final List<String> MESSAGE_KEYS =
            List.of("previous", "author", "sequence", "timestamp", "hash", "content", "signature");

    @Property(tries = 2_000)
    void mutatedMessagesValidateOrAreRefused(@ForAll("mutatedMessages") String text, @ForAll("states") FeedState state,
                                             @ForAll("caps") SignCap cap) {
        Fuzz.Outcome<Message> outcome = Fuzz.call(() -> MessageValidator.validate(state, Json.parse(text), cap));
        Message accepted = outcome.allowing(InvalidMessageException.class, JsonException.class);
        Statistics.collect(outcome.thrown() instanceof InvalidMessageException e ? e.reason().name()
                : outcome.thrown() == null ? "valid" : "not JSON");
        if (accepted != null) {
            assertThat(accepted.key()).isEqualTo(MessageValidator.idOf(accepted.value()));
            assertThat(MessageValidator.validateDetached(accepted.value(), cap).key()).isEqualTo(accepted.key());
        }
    }

    @Property(tries = 2_000)
    void arbitraryValuesAreRefusedAsInvalidMessages(@ForAll("values") Object value, @ForAll("states") FeedState state,
                                                    @ForAll("caps") SignCap cap) {
        Fuzz.call(() -> MessageValidator.validate(state, value, cap)).allowing(InvalidMessageException.class);
        Fuzz.call(() -> MessageValidator.validateDetached(value, cap)).allowing(InvalidMessageException.class);
    }

    @Property(tries = 2_000)
    void theSignatureFormCheckedByHandAgreesWithSsbValidatesExpressions(@ForAll("signatures") String signature,
                                                                        @ForAll("authors") String author) {
        assertThat(MessageValidator.signatureMatchesCurve(signature, author)).as("%s by %s", signature, author)
                .isEqualTo(MessageValidator.signatureMatchesCurveByExpressions(signature, author));
    }

    /** The signatures of the seed messages, mutated with the tokens of refs (base64 padding, suffixes, odd characters). */
    @Provide
    Arbitrary<String> signatures() {
        List<String> seeds = FuzzSeeds.signedFeed(3).stream().map(message -> (String) message.value().get("signature")).toList();
        return Mutations.ofStrings(seeds, Stream.concat(FuzzSeeds.REF_TOKENS.stream(),
                Stream.of(".sig.ed25519", ".sig.sha256", ".sig.", "A", "/", "+")).toList());
    }

    @Provide
    Arbitrary<String> authors() {
        return FuzzSeeds.refLike();
    }

    @Provide
    Arbitrary<String> mutatedMessages() {
        return Mutations.ofStrings(FuzzSeeds.messageTexts(), FuzzSeeds.JSON_TOKENS);
    }

    /** No state (a first message), the state each seed message leaves, or an arbitrary one. */
    @Provide
    Arbitrary<FeedState> states() {
        List<FeedState> seeded = FuzzSeeds.signedFeed(3).stream().map(FeedState::of).toList();
        Arbitrary<FeedState> arbitrary = Combinators.combine(
                Arbitraries.bytes().array(byte[].class).ofSize(32).map(MessageId::of),
                Arbitraries.longs()).as(FeedState::new);
        return Arbitraries.oneOf(Arbitraries.<FeedState>just(null), Arbitraries.of(seeded), arbitrary);
    }

    /** No cap, a valid one, or one ssb-validate refuses. */
    @Provide
    Arbitrary<SignCap> caps() {
        return Arbitraries.oneOf(Arbitraries.just(SignCap.NONE),
                Arbitraries.bytes().array(byte[].class).ofSize(32)
                        .map(key -> SignCap.of(java.util.Base64.getEncoder().encodeToString(key))),
                Arbitraries.strings().ofMaxLength(50).map(SignCap::fromJson),
                Arbitraries.of(1.0, true).map(SignCap::fromJson));
    }

    /** JSON values of the parser's model, and objects with the message keys (in order or not) holding such values. */
    @Provide
    Arbitrary<Object> values() {
        List<String> strings = FuzzSeeds.refInputs("isFeed", "isMsg");
        List<String> keys = List.of("type", "text", "a", "", "__proto__");
        Arbitrary<Object> json = FuzzSeeds.jsonValues(3, strings, keys);
        Arbitrary<Object> messageLike = Combinators.combine(
                Arbitraries.shuffle(MESSAGE_KEYS),
                Arbitraries.of(true, false),
                FuzzSeeds.jsonValues(2, strings, keys).list().ofSize(MESSAGE_KEYS.size())).as((shuffled, inOrder, values) -> {
                    Map<String, Object> message = new LinkedHashMap<>();
                    List<String> order = inOrder ? MESSAGE_KEYS : shuffled;
                    for (int i = 0; i < order.size(); i++) message.put(order.get(i), values.get(i));
                    return message;
                });
        return Arbitraries.oneOf(json, messageLike);
    }
}
