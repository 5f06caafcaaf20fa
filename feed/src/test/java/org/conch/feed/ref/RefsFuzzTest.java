package org.conch.feed.ref;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.conch.feed.BlobId;
import org.conch.feed.FeedId;
import org.conch.feed.MessageId;
import org.conch.feed.testing.Fuzz;
import org.conch.feed.testing.FuzzSeeds;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sigil refs as they come in messages, links and queries: {@link FeedId}, {@link MessageId} and {@link BlobId}
 * parse canonical text (which they write back unchanged) or throw {@link InvalidRefException}; their
 * {@code tryParse} and ssb-ref's predicates and extractors never throw.
 */
@Fuzz.Target
class RefsFuzzTest {

    @Property(tries = 3_000)
    void idsParseCanonicalTextOrAreRefused(@ForAll("refs") String text) {
        FeedId feed = Fuzz.call(() -> FeedId.parse(text)).allowing(InvalidRefException.class);
        MessageId message = Fuzz.call(() -> MessageId.parse(text)).allowing(InvalidRefException.class);
        BlobId blob = Fuzz.call(() -> BlobId.parse(text)).allowing(InvalidRefException.class);
        assertThat(FeedId.tryParse(text)).isEqualTo(Optional.ofNullable(feed));
        assertThat(MessageId.tryParse(text)).isEqualTo(Optional.ofNullable(message));
        assertThat(BlobId.tryParse(text)).isEqualTo(Optional.ofNullable(blob));
        for (Object parsed : new Object[] {feed, message, blob}) {
            if (parsed != null) assertThat(parsed.toString()).isEqualTo(text);
        }
    }

    @Property(tries = 3_000)
    void ssbRefPredicatesAndExtractorsNeverThrow(@ForAll("refs") String text) {
        Fuzz.run(() -> {
            SsbRefs.isFeed(text);
            SsbRefs.isMsg(text);
            SsbRefs.isBlob(text);
            SsbRefs.isCloakedMsg(text);
            SsbRefs.isFeedType(text);
            SsbRefs.isMsgType(text);
            SsbRefs.isBlobType(text);
            SsbRefs.isLink(text);
            SsbRefs.isMsgLink(text);
            SsbRefs.isBlobLink(text);
            SsbRefs.parseLink(text);
            SsbRefs.extract(text);
            SsbRefs.normalizeChannel(text);
            SsbRefs.type(text);
        }).allowing();
    }

    @Property(tries = 3_000)
    void theHandWrittenFeedIdCheckAcceptsNothingSsbRefsExpressionRefuses(@ForAll("refsAndFeedIdsOneCharacterOff") String text) {
        assertThat(SsbRefs.isFeed(text)).as("isFeed(%s)", text).isEqualTo(SsbRefs.FEED_ID.matcher(text).matches());
    }

    /** Mutated refs, and feed ids of random keys with one character replaced by a base64 character or another. */
    @Provide
    Arbitrary<String> refsAndFeedIdsOneCharacterOff() {
        Arbitrary<String> feedIds = Arbitraries.bytes().array(byte[].class).ofSize(32).map(key -> FeedId.of(key).toString());
        Arbitrary<String> oneOff = Combinators.combine(feedIds, Arbitraries.integers().between(0, 52),
                        Arbitraries.chars().with("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=.-_@%&"))
                .as((id, at, character) -> id.substring(0, at) + character + id.substring(at + 1));
        return Arbitraries.oneOf(refs(), oneOff);
    }

    @Provide
    Arbitrary<String> refs() {
        return FuzzSeeds.refLike();
    }
}
