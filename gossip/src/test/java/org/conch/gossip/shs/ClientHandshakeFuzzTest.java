package org.conch.gossip.shs;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.conch.feed.testing.Fuzz;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dialling side of the secret handshake fed what the host it dialled answers: msg2 and msg4 of any bytes,
 * mutations of a genuine run's, hellos with a valid HMAC over any ephemeral key, and msg4 boxes that open to any
 * signature. Each step returns or throws {@link HandshakeException}, and completes only with the genuine server.
 */
@Fuzz.Target
class ClientHandshakeFuzzTest {
    private static final HandshakeFuzzing RUN = HandshakeFuzzing.load();

    @Property(tries = 1_000)
    void aServerHelloIsAnsweredOnlyWhenItsHmacVerifies(@ForAll("serverHellos") byte[] hello) {
        ClientHandshake client = RUN.newClient();
        client.hello();
        Fuzz.Outcome<byte[]> outcome = Fuzz.call(() -> client.authenticate(hello));
        byte[] reply = outcome.allowing(HandshakeException.class);
        Statistics.collect(outcome.thrown() instanceof HandshakeException e ? e.reason().name() : "answered");
        if (reply != null) {
            assertThat(KeySchedule.verifyHello(RUN.networkKey, hello)).isNotNull();
        }
    }

    @Property(tries = 1_000)
    void theHandshakeCompletesOnlyWithTheGenuineAccept(@ForAll("serverAccepts") byte[] accept) {
        ClientHandshake client = RUN.newClient();
        client.hello();
        client.authenticate(RUN.msg2);
        Fuzz.Outcome<HandshakeResult> outcome = Fuzz.call(() -> client.verifyAccept(accept));
        HandshakeResult result = outcome.allowing(HandshakeException.class);
        Statistics.collect(outcome.thrown() instanceof HandshakeException e ? e.reason().name() : "completed");
        if (result != null) {
            assertThat(accept).isEqualTo(RUN.msg4);
        }
    }

    @Provide
    Arbitrary<byte[]> serverHellos() {
        return Arbitraries.oneOf(HandshakeFuzzing.near(RUN.msg2), HandshakeFuzzing.ephemeralKeys().map(RUN::helloFor));
    }

    /** Near the genuine msg4, or boxed right around any 64 bytes. */
    @Provide
    Arbitrary<byte[]> serverAccepts() {
        return Arbitraries.oneOf(HandshakeFuzzing.near(RUN.msg4),
                HandshakeFuzzing.bytesOfSize(SecretHandshake.SIGNATURE_SIZE).map(RUN::serverAcceptBoxing));
    }
}
