package org.conch.feed.ref;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ssb-ref's quirks beyond the shared vectors. Every expectation here was checked against ssb-ref 2.16.0 on Node 20;
 * conch reproduces them because other peers decide with that code.
 */
class SsbRefsTest {
    private static final String KEY = "gYCJpN4eGDjHFnWW2Fcusj8O4QYbVDUW6rNYh7nNEnc=";
    private static final String SEED = "DxiHEv+ds+zUzA49efDgZk8ssGeqrp/5kgvRVzTM7vU=";
    private static final String FEED = "@" + KEY + ".ed25519";

    @Test
    void thePlainFeedIdCheckAcceptsOnlyWhatTheExpressionAccepts() {
        String characters = "\u0000\n\r .=@+/-_AEIMQUYcgkosw048BZbz19\u0085\u2028\u00e9\ud83d";
        int plainOnes = 0;
        for (int at = 0; at < FEED.length(); at++) {
            for (char c : characters.toCharArray()) {
                String id = FEED.substring(0, at) + c + FEED.substring(at + 1);
                boolean plain = SsbRefs.isPlainEd25519FeedId(id);
                boolean byExpression = SsbRefs.FEED_ID.matcher(id).matches() && id.charAt(45) == '.' && id.endsWith("ed25519");
                assertThat(plain).as(id).isEqualTo(byExpression);
                if (plain) plainOnes++;
            }
        }
        assertThat(plainOnes).isGreaterThan(FEED.length()); // the mutations kept many ids valid, not just a few
        assertThat(SsbRefs.isPlainEd25519FeedId(FEED + "x")).isFalse();
        assertThat(SsbRefs.isPlainEd25519FeedId(FEED.substring(1))).isFalse();
    }

    @Test
    void isFeedTakesTheSha256SuffixAndAnyCharacterButALineTerminatorForTheDot() {
        assertThat(SsbRefs.isFeed("@" + KEY + ".sha256")).isTrue();
        assertThat(SsbRefs.isFeed("@" + KEY + "Xed25519")).isTrue();
        assertThat(SsbRefs.isFeed("@" + KEY + "\u0085ed25519")).isTrue(); // Java's '.' would refuse NEL
        assertThat(SsbRefs.isFeed("@" + KEY + "\ned25519")).isFalse();
        assertThat(SsbRefs.isFeed("@" + KEY + "\u2028ed25519")).isFalse();
        assertThat(SsbRefs.isFeed(FEED + "\n")).isFalse(); // Java's '$' would allow this
        assertThat(SsbRefs.isFeed(null)).isFalse();
    }

    @Test
    void isAddressFollowsTheLooseHostAndPortChecks() {
        assertThat(SsbRefs.isAddress("8008:" + FEED)).as("empty host passes ip.isV6Format").isTrue();
        assertThat(SsbRefs.isAddress("a.com:65536:" + FEED)).isTrue();
        assertThat(SsbRefs.isAddress("a.com:-1:" + FEED)).isTrue();
        assertThat(SsbRefs.isAddress("a.com:0x1f:" + FEED)).isTrue();
        assertThat(SsbRefs.isAddress("a_b.example.com:8008:" + FEED)).isTrue();
        assertThat(SsbRefs.isAddress("a_b.co.uk:8008:" + FEED)).as("co.uk is one label to is-valid-domain").isFalse();
        assertThat(SsbRefs.isAddress("a.co.uk_x:8008:" + FEED)).isTrue();
        assertThat(SsbRefs.isAddress("net:a.com:8008!~shs:" + KEY)).as("an escaped ~ is no transform").isFalse();
        assertThat(SsbRefs.isAddress(Map.of("host", "a.com", "port", "8008", "key", FEED))).isTrue();
        assertThat(SsbRefs.isAddress(Map.of("host", "a.com", "key", FEED))).isFalse();
        assertThat(SsbRefs.isAddress(List.of())).isFalse();
    }

    @Test
    void portsAreJsNumbersAndPrintLikeThem() {
        Invite invite = SsbRefs.parseInvite("net:a.com:-1e300~shs:" + KEY + ":" + SEED).orElseThrow();
        assertThat(invite.remote()).isEqualTo("net:a.com:-1e+300~shs:" + KEY);

        Invite legacy = SsbRefs.parseInvite("a.com:0:" + FEED + "~" + SEED).orElseThrow();
        assertThat(legacy.remote()).as("port 0 becomes the default").isEqualTo("net:a.com:8008~shs:" + KEY);

        assertThat(SsbRefs.parseAddress("foo")).contains(new Address("", 8008, "foo"));
        assertThatThrownBy(() -> SsbRefs.toMultiServerAddress(new Address("a.com", Double.NaN, FEED)))
                .hasMessage("ssb-ref.toMultiServerAddress - invalid port:NaN");
    }

    @Test
    void getKeyFromAddressReadsTheFirstShsProtocolWhateverItHolds() {
        assertThat(SsbRefs.getKeyFromAddress("net:a.com:1~shs")).contains("@undefined.ed25519");
        assertThat(SsbRefs.getKeyFromAddress("http://example.com")).isEmpty();
        assertThat(SsbRefs.getKeyFromAddress("not an address")).isEmpty();
    }

    @Test
    void parseLinkRestoresThePlusOnlyInASingleUnboxValue() {
        String link = "%" + KEY + ".sha256";

        assertThat(SsbRefs.parseLink(link + "?unbox=a+b").orElseThrow().queryValue("unbox")).contains("a+b");
        assertThat(SsbRefs.parseLink(link + "?unbox=a+b&unbox=c+d").orElseThrow().query())
                .containsEntry("unbox", List.of("a b", "c d"));
        assertThat(SsbRefs.parseLink(link).orElseThrow().hasQuery()).isFalse();
        assertThat(SsbRefs.parseLink(link + "?")).isEmpty();
    }

    @Test
    void parseLinkDecodesTheQueryAsNodeDoes() {
        String link = "%" + KEY + ".sha256";

        // An encoded surrogate is invalid UTF-8: Node's fallback yields one U+FFFD per byte.
        assertThat(SsbRefs.parseLink(link + "?%ED%A0%80=1").orElseThrow().query())
                .containsExactly(Map.entry("\uFFFD\uFFFD\uFFFD", List.of("1")));
        assertThat(SsbRefs.parseLink(link + "?b=1&10=x&2=y").orElseThrow().query().keySet())
                .as("integer keys first, like JS object properties").containsExactly("2", "10", "b");
    }

    @Test
    void extractFallsBackToTheRawTextWhenUrlDecodingFails() {
        String encoded = "%40" + KEY.replace("/", "%2F").replace("=", "%3D") + ".ed25519";

        assertThat(SsbRefs.extract("see " + encoded)).contains(FEED);
        assertThat(SsbRefs.extract("see " + encoded + " %")).isEmpty();
        assertThat(SsbRefs.extract("<a href=\"&amp;" + KEY + ".sha256\">")).contains("&" + KEY + ".sha256");
    }

    @Test
    void normalizeChannelLowerCasesWithJsFinalSigma() {
        assertThat(SsbRefs.normalizeChannel("ΑΣ ΣΑ.#Σ")).contains("αςσασ");
        assertThat(SsbRefs.normalizeChannel("  Hello, World!\u3000")).contains("helloworld");
        assertThat(SsbRefs.normalizeChannel(" ?! ")).isEmpty();
        assertThat(SsbRefs.normalizeChannel("x".repeat(40))).contains("x".repeat(30));
    }

    @Test
    void typeTriesEachKindInSsbRefsOrder() {
        assertThat(SsbRefs.type(FEED)).contains(RefKind.FEED);
        assertThat(SsbRefs.type("%" + KEY + ".sha256")).contains(RefKind.MSG);
        assertThat(SsbRefs.type("&" + KEY + ".sha256")).contains(RefKind.BLOB);
        assertThat(SsbRefs.type("net:a.com:8008~shs:" + KEY)).contains(RefKind.ADDRESS);
        assertThat(SsbRefs.type("a.com:8008:" + FEED + "~" + SEED)).contains(RefKind.INVITE);
        assertThat(SsbRefs.type("")).isEmpty();
    }

    @Test
    void longInputsAreAnsweredWithoutExhaustingTheStack() {
        String longBase64 = "AAAA".repeat(250_000);
        String longMultiserver = "net:" + "a".repeat(1_000_000) + ":8008~shs:" + KEY;

        assertThat(SsbRefs.isFeedType("@" + longBase64 + ".ed25519")).isTrue();
        assertThat(SsbRefs.isAddress(longMultiserver)).as("multiserver strings are checked by syntax only").isTrue();
        assertThat(SsbRefs.parseAddress(longMultiserver)).as("the host is too long for a domain").isEmpty();
        assertThat(SsbRefs.isAddress("1".repeat(100_000) + ":8008:" + FEED)).isFalse();
        assertThat(MultiserverGrammar.check(("ab:c~".repeat(200_000)) + "ab")).isTrue();
        assertThat(SsbRefs.extract("%41".repeat(100_000))).isEmpty();
    }

    @Test
    void multiserverDataUnescapesTheFourSeparators() {
        List<List<MultiserverGrammar.Protocol>> decoded =
                MultiserverGrammar.decode("net:a!:b!~c!;d!!e:1~shs:k").orElseThrow();

        assertThat(decoded.get(0).get(0).data()).containsExactly("a:b~c;d!e", "1");
        assertThat(MultiserverGrammar.encode(decoded)).isEqualTo("net:a!:b!~c!;d!!e:1~shs:k");
        assertThat(MultiserverGrammar.check("net:a!x")).isFalse();
        assertThat(MultiserverGrammar.check("n:a")).as("a name has two characters at least").isFalse();
    }
}
