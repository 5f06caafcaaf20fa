package org.conch.gossip.shs;

import org.conch.feed.Ed25519;
import org.conch.feed.Identity;
import org.conch.feed.crypto.CryptoException;
import org.conch.feed.crypto.Curve25519;
import org.conch.feed.crypto.SecretBox;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Predicate;

import static org.conch.gossip.shs.HandshakeException.Reason.CLIENT_AUTHENTICATION_FAILED;
import static org.conch.gossip.shs.HandshakeException.Reason.CLIENT_REFUSED;
import static org.conch.gossip.shs.HandshakeException.Reason.WRONG_NETWORK_KEY;

/**
 * The server (accepting) side of the secret handshake as pure steps, for one connection:
 * <ol>
 *   <li>{@link #acceptHello(byte[])} takes the client's msg1 and gives msg2;</li>
 *   <li>{@link #verifyAuthentication(byte[])} takes msg3, asks the authorizer about the client's
 *       proven key and gives msg4; the handshake is then complete ({@link #result()}).</li>
 * </ol>
 * Any step that fails throws a {@link HandshakeException} and leaves the handshake failed; a
 * refused client gets no msg4. Calling a step out of order is an {@link IllegalStateException}.
 */
public final class ServerHandshake {
    private enum Step { ACCEPT_HELLO, VERIFY_AUTHENTICATION, DONE, FAILED }

    private final byte[] networkKey;
    private final Identity identity;
    private final Predicate<byte[]> authorizer;
    private final Curve25519.KeyPair ephemeral;

    private Step step = Step.ACCEPT_HELLO;
    private byte[] clientHello;
    private byte[] serverHello;
    private byte[] clientEphemeralKey;
    private byte[] ab;
    private HandshakeResult result;

    /**
     * A handshake with fresh random ephemeral keys.
     *
     * @param authorizer given the client's long-term public key once it has proven it, says whether
     *                   this server serves that client
     */
    public ServerHandshake(byte[] networkKey, Identity identity, Predicate<byte[]> authorizer) {
        this(networkKey, identity, authorizer, Curve25519.KeyPair.generate(new SecureRandom()));
    }

    /** A handshake with the given ephemeral keys (tests and vectors only). */
    public ServerHandshake(byte[] networkKey, Identity identity, Predicate<byte[]> authorizer,
                           Curve25519.KeyPair ephemeral) {
        KeySchedule.checkNetworkKey(networkKey);
        this.networkKey = networkKey.clone();
        this.identity = Objects.requireNonNull(identity, "identity");
        this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
        this.ephemeral = Objects.requireNonNull(ephemeral, "ephemeral");
    }

    /** Takes msg1, the client's hello, and returns msg2, ours. */
    public byte[] acceptHello(byte[] clientHelloMessage) {
        expect(Step.ACCEPT_HELLO);
        try {
            KeySchedule.checkSize(clientHelloMessage, SecretHandshake.CLIENT_HELLO_SIZE, "the client hello (msg1)");
            clientEphemeralKey = KeySchedule.verifyHello(networkKey, clientHelloMessage);
            if (clientEphemeralKey == null) {
                throw new HandshakeException(WRONG_NETWORK_KEY, "the client hello's HMAC does not verify");
            }
            clientHello = clientHelloMessage.clone();
            ab = KeySchedule.agree(ephemeral.secretKey(), clientEphemeralKey, "the client's ephemeral key");
            serverHello = KeySchedule.hello(networkKey, ephemeral.publicKey());
            step = Step.VERIFY_AUTHENTICATION;
            return serverHello.clone();
        } catch (RuntimeException e) {
            step = Step.FAILED;
            throw e;
        }
    }

    /**
     * Takes msg3, the client's boxed signature and public key. When the signature verifies and the
     * authorizer accepts the key, returns msg4 and the handshake is complete.
     */
    public byte[] verifyAuthentication(byte[] clientAuth) {
        expect(Step.VERIFY_AUTHENTICATION);
        try {
            KeySchedule.checkSize(clientAuth, SecretHandshake.CLIENT_AUTH_SIZE, "the client authentication (msg3)");
            byte[] aB = KeySchedule.agree(Curve25519.secretFromEd25519Seed(identity.seed()), clientEphemeralKey,
                    "the client's ephemeral key");
            byte[] plaintext = SecretBox.open(KeySchedule.secret2(networkKey, ab, aB), KeySchedule.zeroNonce(), clientAuth)
                    .orElseThrow(() -> new HandshakeException(CLIENT_AUTHENTICATION_FAILED,
                            "msg3 does not open: the client may have dialled another server's key"));
            byte[] signature = Arrays.copyOf(plaintext, SecretHandshake.SIGNATURE_SIZE);
            byte[] clientPublicKey = Arrays.copyOfRange(plaintext, SecretHandshake.SIGNATURE_SIZE, plaintext.length);
            if (!Ed25519.verify(clientPublicKey, signature,
                    KeySchedule.clientSignedMessage(networkKey, identity.publicKey(), ab))) {
                throw new HandshakeException(CLIENT_AUTHENTICATION_FAILED, "the client's signature does not verify");
            }
            byte[] clientCurveKey;
            try {
                clientCurveKey = Curve25519.publicFromEd25519(clientPublicKey);
            } catch (CryptoException e) {
                throw new HandshakeException(CLIENT_AUTHENTICATION_FAILED, "the client's public key: " + e.getMessage(), e);
            }
            byte[] Ab = KeySchedule.agree(ephemeral.secretKey(), clientCurveKey, "the client's public key");
            if (!authorizer.test(clientPublicKey.clone())) {
                throw new HandshakeException(CLIENT_REFUSED, org.conch.feed.FeedId.of(clientPublicKey).toString());
            }
            byte[] secret3 = KeySchedule.secret3(networkKey, ab, aB, Ab);
            byte[] serverSignature = Ed25519.sign(identity.seed(), identity.publicKey(),
                    KeySchedule.serverSignedMessage(networkKey, plaintext, ab));
            byte[] serverAccept = SecretBox.seal(secret3, KeySchedule.zeroNonce(), serverSignature);
            result = KeySchedule.result(secret3, identity.publicKey(), clientPublicKey, serverHello, clientHello);
            step = Step.DONE;
            Arrays.fill(secret3, (byte) 0);
            Arrays.fill(aB, (byte) 0);
            Arrays.fill(Ab, (byte) 0);
            Arrays.fill(ab, (byte) 0);
            ab = clientEphemeralKey = null;
            return serverAccept;
        } catch (RuntimeException e) {
            step = Step.FAILED;
            throw e;
        }
    }

    /** The size of the client message this handshake waits for now, or 0 when it waits for none. */
    public int expectedMessageSize() {
        return switch (step) {
            case ACCEPT_HELLO -> SecretHandshake.CLIENT_HELLO_SIZE;
            case VERIFY_AUTHENTICATION -> SecretHandshake.CLIENT_AUTH_SIZE;
            default -> 0;
        };
    }

    public boolean isComplete() {
        return step == Step.DONE;
    }

    /** The result of a completed handshake. */
    public HandshakeResult result() {
        if (step != Step.DONE) {
            throw new IllegalStateException("the server handshake is not complete (" + step + ")");
        }
        return result;
    }

    private void expect(Step expected) {
        if (step != expected) {
            throw new IllegalStateException("the server handshake is at " + step + ", not " + expected);
        }
    }
}
