package org.conch.gossip.shs;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.conch.feed.testing.Fuzz;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The accepting side of the secret handshake fed what a dialling stranger sends: msg1 and msg3 of any bytes,
 * mutations of a genuine run's, hellos with a valid HMAC over any ephemeral key (small-order points among them),
 * and msg3 boxes that open to any signature and key. Each step returns its reply or throws
 * {@link HandshakeException}, and accepts only what the genuine client sent.
 */
@Fuzz.Target
class ServerHandshakeFuzzTest {
    private static final HandshakeFuzzing RUN = HandshakeFuzzing.load();

    @Property(tries = 1_000)
    void aClientHelloIsAnsweredOnlyWhenItsHmacVerifies(@ForAll("clientHellos") byte[] hello) {
        ServerHandshake server = RUN.newServer();
        Fuzz.Outcome<byte[]> outcome = Fuzz.call(() -> server.acceptHello(hello));
        byte[] reply = outcome.allowing(HandshakeException.class);
        Statistics.collect(outcome.thrown() instanceof HandshakeException e ? e.reason().name() : "answered");
        if (reply != null) {
            assertThat(KeySchedule.verifyHello(RUN.networkKey, hello)).isNotNull();
            assertThat(reply).isEqualTo(RUN.msg2);
        }
    }

    @Property(tries = 1_000)
    void aClientIsAcceptedOnlyWithItsGenuineAuthentication(@ForAll("clientAuths") byte[] auth) {
        ServerHandshake server = RUN.newServer();
        server.acceptHello(RUN.msg1);
        Fuzz.Outcome<byte[]> outcome = Fuzz.call(() -> server.verifyAuthentication(auth));
        byte[] accept = outcome.allowing(HandshakeException.class);
        Statistics.collect(outcome.thrown() instanceof HandshakeException e ? e.reason().name() : "accepted");
        if (accept != null) {
            assertThat(auth).isEqualTo(RUN.msg3);
            assertThat(server.isComplete()).isTrue();
        }
    }

    @Provide
    Arbitrary<byte[]> clientHellos() {
        return Arbitraries.oneOf(HandshakeFuzzing.near(RUN.msg1), HandshakeFuzzing.ephemeralKeys().map(RUN::helloFor));
    }

    /** Near the genuine msg3, or boxed right around a signature and key that are each genuine or not. */
    @Provide
    Arbitrary<byte[]> clientAuths() {
        byte[] genuine = RUN.clientAuthPlaintext();
        byte[] signature = Arrays.copyOf(genuine, SecretHandshake.SIGNATURE_SIZE);
        byte[] key = Arrays.copyOfRange(genuine, SecretHandshake.SIGNATURE_SIZE, genuine.length);
        Arbitrary<byte[]> signatures = Arbitraries.oneOf(Arbitraries.just(signature),
                HandshakeFuzzing.near(signature).filter(s -> s.length == SecretHandshake.SIGNATURE_SIZE));
        Arbitrary<byte[]> keys = Arbitraries.oneOf(Arbitraries.just(key), Arbitraries.of(HandshakeFuzzing.SMALL_ORDER_KEYS),
                HandshakeFuzzing.bytesOfSize(SecretHandshake.PUBLIC_KEY_SIZE));
        Arbitrary<byte[]> boxed = Combinators.combine(signatures, keys).as((s, k) -> {
            byte[] plaintext = Arrays.copyOf(s, SecretHandshake.CLIENT_AUTH_PLAINTEXT_SIZE);
            System.arraycopy(k, 0, plaintext, SecretHandshake.SIGNATURE_SIZE, k.length);
            return RUN.clientAuthBoxing(plaintext);
        });
        return Arbitraries.oneOf(HandshakeFuzzing.near(RUN.msg3), boxed);
    }
}
