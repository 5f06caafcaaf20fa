package org.conch.gossip.shs;

import org.conch.feed.Identity;
import org.conch.gossip.boxstream.BoxStreamDecoder;
import org.conch.gossip.boxstream.BoxStreamEncoder;
import org.conch.feed.crypto.Hmac;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.conch.gossip.shs.HandshakeException.Reason.CLIENT_AUTHENTICATION_FAILED;
import static org.conch.gossip.shs.HandshakeException.Reason.CLIENT_REFUSED;
import static org.conch.gossip.shs.HandshakeException.Reason.INVALID_KEY;
import static org.conch.gossip.shs.HandshakeException.Reason.SERVER_AUTHENTICATION_FAILED;
import static org.conch.gossip.shs.HandshakeException.Reason.WRONG_MESSAGE_SIZE;
import static org.conch.gossip.shs.HandshakeException.Reason.WRONG_NETWORK_KEY;

/** The secret handshake between our own client and server, in memory, with real identities. */
class SecretHandshakeTest {
    private static final byte[] MAIN_NET = SecretHandshake.mainNetworkKey();
    private static final Identity ALICE = Identity.generate();
    private static final Identity BOB = Identity.generate();
    private static final Identity CAROL = Identity.generate();

    private static ClientHandshake aliceDials(Identity server) {
        return new ClientHandshake(MAIN_NET, ALICE, server.publicKey());
    }

    private static ServerHandshake bobAccepts(Predicate<byte[]> authorizer) {
        return new ServerHandshake(MAIN_NET, BOB, authorizer);
    }

    @Test
    void theMainNetworkKeyIsTheOneOfCapsJson() {
        assertThat(Base64.getEncoder().encodeToString(MAIN_NET)).isEqualTo("1KHLiKZvAvjbY1ziZEHMXawbCEIM6qwjCDm3VYRan/s=");
    }

    @Nested
    class WhenBothSidesAreWhoTheyClaim {
        @Test
        void theyExchangeFourMessagesOf64_64_112_80Bytes() {
            ClientHandshake client = aliceDials(BOB);
            ServerHandshake server = bobAccepts(key -> true);

            assertThat(server.expectedMessageSize()).isEqualTo(SecretHandshake.CLIENT_HELLO_SIZE);
            byte[] msg1 = client.hello();
            assertThat(msg1).hasSize(64);
            assertThat(client.expectedMessageSize()).isEqualTo(SecretHandshake.SERVER_HELLO_SIZE);
            byte[] msg2 = server.acceptHello(msg1);
            assertThat(msg2).hasSize(64);
            assertThat(server.expectedMessageSize()).isEqualTo(SecretHandshake.CLIENT_AUTH_SIZE);
            byte[] msg3 = client.authenticate(msg2);
            assertThat(msg3).hasSize(112);
            assertThat(client.expectedMessageSize()).isEqualTo(SecretHandshake.SERVER_ACCEPT_SIZE);
            byte[] msg4 = server.verifyAuthentication(msg3);
            assertThat(msg4).hasSize(80);
            client.verifyAccept(msg4);

            assertThat(client.isComplete()).isTrue();
            assertThat(server.isComplete()).isTrue();
            assertThat(client.expectedMessageSize()).isZero();
            assertThat(server.expectedMessageSize()).isZero();
        }

        @Test
        void eachLearnsTheOthersIdentityAndTheirSessionKeysMirror() {
            Pair pair = handshake(aliceDials(BOB), bobAccepts(key -> true));

            assertThat(pair.client.remoteId()).isEqualTo(BOB.id());
            assertThat(pair.server.remoteId()).isEqualTo(ALICE.id());
            assertThat(pair.client.encryptKey()).isEqualTo(pair.server.decryptKey());
            assertThat(pair.client.encryptNonce()).isEqualTo(pair.server.decryptNonce());
            assertThat(pair.client.decryptKey()).isEqualTo(pair.server.encryptKey());
            assertThat(pair.client.decryptNonce()).isEqualTo(pair.server.encryptNonce());
            assertThat(pair.client.encryptKey()).as("each direction has its own key").isNotEqualTo(pair.client.decryptKey());
        }

        @Test
        void theSessionKeysCarryABoxStreamBothWays() {
            Pair pair = handshake(aliceDials(BOB), bobAccepts(key -> true));
            byte[] ping = "ping".getBytes(StandardCharsets.UTF_8);
            byte[] pong = "pong".getBytes(StandardCharsets.UTF_8);

            assertThat(new BoxStreamDecoder(pair.server.decryptKey(), pair.server.decryptNonce())
                    .feed(new BoxStreamEncoder(pair.client.encryptKey(), pair.client.encryptNonce()).encode(ping)))
                    .containsExactly(ping);
            assertThat(new BoxStreamDecoder(pair.client.decryptKey(), pair.client.decryptNonce())
                    .feed(new BoxStreamEncoder(pair.server.encryptKey(), pair.server.encryptNonce()).encode(pong)))
                    .containsExactly(pong);
        }

        @Test
        void theAuthorizerIsAskedAboutTheClientsProvenKeyOnce() {
            List<byte[]> asked = new ArrayList<>();
            handshake(aliceDials(BOB), bobAccepts(key -> asked.add(key)));
            assertThat(asked).containsExactly(ALICE.publicKey());
        }

        @Test
        void everyHandshakeHasFreshEphemeralKeysAndSoFreshSessionKeys() {
            ServerHandshake first = bobAccepts(key -> true);
            ServerHandshake second = bobAccepts(key -> true);
            ClientHandshake firstClient = aliceDials(BOB);
            ClientHandshake secondClient = aliceDials(BOB);
            // interleaved, as two connections to one server would be
            byte[] hello1 = firstClient.hello();
            byte[] hello2 = secondClient.hello();
            assertThat(hello1).isNotEqualTo(hello2);
            byte[] auth1 = firstClient.authenticate(first.acceptHello(hello1));
            byte[] auth2 = secondClient.authenticate(second.acceptHello(hello2));
            secondClient.verifyAccept(second.verifyAuthentication(auth2));
            firstClient.verifyAccept(first.verifyAuthentication(auth1));

            assertThat(firstClient.result().encryptKey()).isEqualTo(first.result().decryptKey())
                    .isNotEqualTo(secondClient.result().encryptKey());
            assertThat(secondClient.result().encryptKey()).isEqualTo(second.result().decryptKey());
        }
    }

    @Nested
    class WhenTheNetworkKeysDiffer {
        private final byte[] testNet = Hmac.auth(MAIN_NET, "another network".getBytes(StandardCharsets.UTF_8));

        @Test
        void theServerRejectsTheClientHelloAndSendsNothing() {
            ClientHandshake client = new ClientHandshake(testNet, ALICE, BOB.publicKey());
            ServerHandshake server = bobAccepts(key -> true);

            assertRefused(() -> server.acceptHello(client.hello()), WRONG_NETWORK_KEY);
            assertThat(server.isComplete()).isFalse();
            assertThat(server.expectedMessageSize()).isZero();
        }

        @Test
        void theClientRejectsTheServerHello() {
            ClientHandshake client = aliceDials(BOB);
            ServerHandshake server = new ServerHandshake(testNet, BOB, key -> true);
            byte[] hello = client.hello();
            // a server on another network would already refuse msg1; a forged msg2 is refused as well
            byte[] forgedServerHello = new ServerHandshake(testNet, BOB, key -> true)
                    .acceptHello(new ClientHandshake(testNet, ALICE, BOB.publicKey()).hello());

            assertRefused(() -> server.acceptHello(hello), WRONG_NETWORK_KEY);
            assertRefused(() -> client.authenticate(forgedServerHello), WRONG_NETWORK_KEY);
        }

        @Test
        void theErrorSaysWhatProbablyHappened() {
            assertThatThrownBy(() -> bobAccepts(key -> true).acceptHello(new ClientHandshake(testNet, ALICE, BOB.publicKey()).hello()))
                    .hasMessageStartingWith("wrong network key or not a Scuttlebutt peer");
        }
    }

    @Nested
    class WhenAuthenticationFails {
        @Test
        void aClientThatDialsAnotherServersKeyFailsAtTheServer() {
            ClientHandshake client = aliceDials(CAROL); // but Bob answers
            ServerHandshake server = bobAccepts(key -> true);
            byte[] msg3 = client.authenticate(server.acceptHello(client.hello()));

            assertRefused(() -> server.verifyAuthentication(msg3), CLIENT_AUTHENTICATION_FAILED);
        }

        @Test
        void aServerRefusesAClientItsAuthorizerDeclinesAndSendsNoAccept() {
            ClientHandshake client = aliceDials(BOB);
            ServerHandshake server = bobAccepts(key -> false);
            byte[] msg3 = client.authenticate(server.acceptHello(client.hello()));

            assertThatThrownBy(() -> server.verifyAuthentication(msg3))
                    .isInstanceOf(HandshakeException.class)
                    .hasMessageContaining("server refused this client")
                    .hasMessageContaining(ALICE.id().toString());
            assertThat(server.isComplete()).isFalse();
            assertThatThrownBy(() -> server.verifyAuthentication(msg3)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(server::result).isInstanceOf(IllegalStateException.class);
        }

        @Test
        void theRefusalHasItsOwnReason() {
            ClientHandshake client = aliceDials(BOB);
            ServerHandshake server = bobAccepts(key -> false);
            byte[] msg3 = client.authenticate(server.acceptHello(client.hello()));
            assertRefused(() -> server.verifyAuthentication(msg3), CLIENT_REFUSED);
        }

        @Test
        void anyChangedByteOfTheClientHelloIsRefused() {
            byte[] hello = aliceDials(BOB).hello();
            for (int i = 0; i < hello.length; i++) {
                byte[] tampered = flip(hello, i);
                assertRefused(() -> bobAccepts(key -> true).acceptHello(tampered), WRONG_NETWORK_KEY);
            }
        }

        @Test
        void anyChangedByteOfTheServerHelloIsRefused() {
            ClientHandshake probe = aliceDials(BOB);
            byte[] serverHello = bobAccepts(key -> true).acceptHello(probe.hello());
            for (int i = 0; i < serverHello.length; i++) {
                ClientHandshake client = aliceDials(BOB);
                client.hello();
                byte[] tampered = flip(serverHello, i);
                assertRefused(() -> client.authenticate(tampered), WRONG_NETWORK_KEY);
            }
        }

        @Test
        void anyChangedByteOfTheClientAuthenticationIsRefused() {
            for (int i = 0; i < SecretHandshake.CLIENT_AUTH_SIZE; i++) {
                ClientHandshake client = aliceDials(BOB);
                ServerHandshake server = bobAccepts(key -> true);
                byte[] msg3 = client.authenticate(server.acceptHello(client.hello()));
                byte[] tampered = flip(msg3, i);
                assertRefused(() -> server.verifyAuthentication(tampered), CLIENT_AUTHENTICATION_FAILED);
            }
        }

        @Test
        void anyChangedByteOfTheServerAcceptIsRefused() {
            for (int i = 0; i < SecretHandshake.SERVER_ACCEPT_SIZE; i++) {
                ClientHandshake client = aliceDials(BOB);
                ServerHandshake server = bobAccepts(key -> true);
                byte[] msg4 = server.verifyAuthentication(client.authenticate(server.acceptHello(client.hello())));
                byte[] tampered = flip(msg4, i);
                assertRefused(() -> client.verifyAccept(tampered), SERVER_AUTHENTICATION_FAILED);
            }
        }

        @Test
        void anAcceptFromAnotherHandshakeIsRefused() {
            ClientHandshake client = aliceDials(BOB);
            ServerHandshake server = bobAccepts(key -> true);
            byte[] msg3 = client.authenticate(server.acceptHello(client.hello()));
            server.verifyAuthentication(msg3);
            ClientHandshake other = aliceDials(BOB);
            ServerHandshake otherServer = bobAccepts(key -> true);
            byte[] replayed = otherServer.verifyAuthentication(other.authenticate(otherServer.acceptHello(other.hello())));

            assertRefused(() -> client.verifyAccept(replayed), SERVER_AUTHENTICATION_FAILED);
        }

        @Test
        void anEphemeralKeyOfSmallOrderIsRefusedEvenWithTheRightNetworkKey() {
            byte[] weakKey = new byte[32]; // u = 0: every shared secret with it is zero
            byte[] hello = KeySchedule.hello(MAIN_NET, weakKey);
            assertRefused(() -> bobAccepts(key -> true).acceptHello(hello), INVALID_KEY);
        }

        @Test
        void aServerKeyThatIsNoCurvePointCannotBeDialled() {
            byte[] notAPoint = new byte[32];
            notAPoint[0] = 1; // the identity point: small order
            assertThatThrownBy(() -> new ClientHandshake(MAIN_NET, ALICE, notAPoint))
                    .isInstanceOf(HandshakeException.class)
                    .satisfies(e -> assertThat(((HandshakeException) e).reason()).isEqualTo(INVALID_KEY));
        }
    }

    @Nested
    class StepsAndSizes {
        @Test
        void aMessageOfTheWrongSizeIsRefused() {
            assertRefused(() -> bobAccepts(key -> true).acceptHello(new byte[63]), WRONG_MESSAGE_SIZE);
            ClientHandshake client = aliceDials(BOB);
            client.hello();
            assertRefused(() -> client.authenticate(new byte[65]), WRONG_MESSAGE_SIZE);

            ClientHandshake second = aliceDials(BOB);
            ServerHandshake server = bobAccepts(key -> true);
            second.authenticate(server.acceptHello(second.hello()));
            assertRefused(() -> server.verifyAuthentication(new byte[111]), WRONG_MESSAGE_SIZE);
            assertRefused(() -> second.verifyAccept(new byte[81]), WRONG_MESSAGE_SIZE);
        }

        @Test
        void stepsOutOfOrderAreProgrammingErrors() {
            ClientHandshake client = aliceDials(BOB);
            assertThatThrownBy(() -> client.authenticate(new byte[64])).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> client.verifyAccept(new byte[80])).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(client::result).isInstanceOf(IllegalStateException.class);
            client.hello();
            assertThatThrownBy(client::hello).isInstanceOf(IllegalStateException.class);

            ServerHandshake server = bobAccepts(key -> true);
            assertThatThrownBy(() -> server.verifyAuthentication(new byte[112])).isInstanceOf(IllegalStateException.class);
        }

        @Test
        void aFailedHandshakeStaysFailed() {
            ServerHandshake server = bobAccepts(key -> true);
            assertRefused(() -> server.acceptHello(new byte[64]), WRONG_NETWORK_KEY);
            byte[] goodHello = aliceDials(BOB).hello();
            assertThatThrownBy(() -> server.acceptHello(goodHello)).isInstanceOf(IllegalStateException.class);
        }
    }

    private record Pair(HandshakeResult client, HandshakeResult server) {
    }

    private static Pair handshake(ClientHandshake client, ServerHandshake server) {
        byte[] msg3 = client.authenticate(server.acceptHello(client.hello()));
        HandshakeResult atClient = client.verifyAccept(server.verifyAuthentication(msg3));
        return new Pair(atClient, server.result());
    }

    private static byte[] flip(byte[] message, int index) {
        byte[] copy = message.clone();
        copy[index] ^= 0x01;
        return copy;
    }

    private static void assertRefused(Runnable step, HandshakeException.Reason reason) {
        assertThatThrownBy(step::run).isInstanceOf(HandshakeException.class)
                .satisfies(e -> assertThat(((HandshakeException) e).reason()).isEqualTo(reason));
    }
}
