package org.conch.feed.ref;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.conch.feed.testing.Fuzz;
import org.conch.feed.testing.FuzzSeeds;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Multiserver addresses as peers announce them (pub messages, the config, the CLI): {@link MultiserverAddress#parse}
 * returns an address or throws {@link InvalidRefException}, {@code tryParse} never throws, an address that parses
 * writes back as text that parses to it, and the grammar and ssb-ref's address functions throw nothing but
 * {@link InvalidRefException}.
 */
@Fuzz.Target
class MultiserverAddressFuzzTest {

    @Property(tries = 3_000)
    void addressesParseOrAreRefused(@ForAll("addresses") String text) {
        MultiserverAddress address = Fuzz.call(() -> MultiserverAddress.parse(text)).allowing(InvalidRefException.class);
        assertThat(Fuzz.call(() -> MultiserverAddress.tryParse(text)).allowing()).isEqualTo(Optional.ofNullable(address));
        Statistics.collect(address != null ? "parsed" : "refused");
        if (address != null) {
            assertThat(MultiserverAddress.parse(address.toString())).isEqualTo(address);
        }
    }

    @Property(tries = 2_000)
    void theGrammarAndSsbRefReadAddressesOrThrowTheirOwnError(@ForAll("addresses") String text) {
        Fuzz.run(() -> {
            MultiserverGrammar.decode(text).ifPresent(MultiserverGrammar::encode);
            MultiserverGrammar.check(text);
            SsbRefs.isAddress(text);
            SsbRefs.parseAddress(text);
            SsbRefs.getKeyFromAddress(text);
        }).allowing();
        Fuzz.call(() -> SsbRefs.toMultiServerAddress(text)).allowing(InvalidRefException.class);
    }

    @Provide
    Arbitrary<String> addresses() {
        return FuzzSeeds.refLike("parseAddress", "isAddress", "getKeyFromAddress", "isMultiServerInvite");
    }
}
