package org.conch.gossip.shs;

import org.conch.feed.Ed25519;
import org.conch.feed.Identity;
import org.conch.feed.crypto.CryptoException;
import org.conch.feed.crypto.Curve25519;
import org.conch.feed.crypto.SecretBox;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

import static org.conch.gossip.shs.HandshakeException.Reason.INVALID_KEY;
import static org.conch.gossip.shs.HandshakeException.Reason.SERVER_AUTHENTICATION_FAILED;
import static org.conch.gossip.shs.HandshakeException.Reason.WRONG_NETWORK_KEY;

/**
 * The client (dialling) side of the secret handshake as pure steps, for one connection:
 * <ol>
 *   <li>{@link #hello()} gives msg1 to send;</li>
 *   <li>{@link #authenticate(byte[])} takes the server's msg2 and gives msg3;</li>
 *   <li>{@link #verifyAccept(byte[])} takes msg4 and gives the {@link HandshakeResult}.</li>
 * </ol>
 * Any step that fails throws a {@link HandshakeException} and leaves the handshake failed. Calling
 * a step out of order is a programming error ({@link IllegalStateException}).
 */
public final class ClientHandshake {
    private enum Step { HELLO, AUTHENTICATE, VERIFY_ACCEPT, DONE, FAILED }

    private final byte[] networkKey;
    private final Identity identity;
    private final byte[] serverPublicKey;
    private final byte[] serverCurveKey;
    private final Curve25519.KeyPair ephemeral;

    private Step step = Step.HELLO;
    private byte[] clientHello;
    private byte[] serverHello;
    private byte[] serverEphemeralKey;
    private byte[] ab;
    private byte[] aB;
    private byte[] clientAuthPlaintext;
    private HandshakeResult result;

    /** A handshake with fresh random ephemeral keys. */
    public ClientHandshake(byte[] networkKey, Identity identity, byte[] serverPublicKey) {
        this(networkKey, identity, serverPublicKey, Curve25519.KeyPair.generate(new SecureRandom()));
    }

    /**
     * A handshake with the given ephemeral keys (tests and vectors only: reusing them forfeits
     * forward secrecy).
     *
     * @throws HandshakeException when the server's key is not a usable Ed25519 public key
     */
    public ClientHandshake(byte[] networkKey, Identity identity, byte[] serverPublicKey, Curve25519.KeyPair ephemeral) {
        KeySchedule.checkNetworkKey(networkKey);
        if (serverPublicKey == null || serverPublicKey.length != SecretHandshake.PUBLIC_KEY_SIZE) {
            throw new IllegalArgumentException("a server public key has " + SecretHandshake.PUBLIC_KEY_SIZE + " bytes");
        }
        this.networkKey = networkKey.clone();
        this.identity = Objects.requireNonNull(identity, "identity");
        this.serverPublicKey = serverPublicKey.clone();
        this.ephemeral = Objects.requireNonNull(ephemeral, "ephemeral");
        try {
            this.serverCurveKey = Curve25519.publicFromEd25519(this.serverPublicKey);
        } catch (CryptoException e) {
            throw new HandshakeException(INVALID_KEY, "the server's public key: " + e.getMessage(), e);
        }
    }

    /** msg1: hmac(K, a_pk) ‖ a_pk. */
    public byte[] hello() {
        expect(Step.HELLO);
        clientHello = KeySchedule.hello(networkKey, ephemeral.publicKey());
        step = Step.AUTHENTICATE;
        return clientHello.clone();
    }

    /** Takes msg2, the server's hello, and returns msg3, our boxed signature and public key. */
    public byte[] authenticate(byte[] serverHelloMessage) {
        expect(Step.AUTHENTICATE);
        try {
            KeySchedule.checkSize(serverHelloMessage, SecretHandshake.SERVER_HELLO_SIZE, "the server hello (msg2)");
            serverEphemeralKey = KeySchedule.verifyHello(networkKey, serverHelloMessage);
            if (serverEphemeralKey == null) {
                throw new HandshakeException(WRONG_NETWORK_KEY, "the server hello's HMAC does not verify");
            }
            serverHello = serverHelloMessage.clone();
            byte[] secretKey = ephemeral.secretKey();
            ab = KeySchedule.agree(secretKey, serverEphemeralKey, "the server's ephemeral key");
            aB = KeySchedule.agree(secretKey, serverCurveKey, "the server's public key");
            byte[] signature = Ed25519.sign(identity.seed(), identity.publicKey(),
                    KeySchedule.clientSignedMessage(networkKey, serverPublicKey, ab));
            clientAuthPlaintext = Arrays.copyOf(signature, SecretHandshake.CLIENT_AUTH_PLAINTEXT_SIZE);
            System.arraycopy(identity.publicKey(), 0, clientAuthPlaintext, SecretHandshake.SIGNATURE_SIZE,
                    SecretHandshake.PUBLIC_KEY_SIZE);
            byte[] clientAuth = SecretBox.seal(KeySchedule.secret2(networkKey, ab, aB), KeySchedule.zeroNonce(),
                    clientAuthPlaintext);
            step = Step.VERIFY_ACCEPT;
            return clientAuth;
        } catch (RuntimeException e) {
            step = Step.FAILED;
            throw e;
        }
    }

    /** Takes msg4, the server's boxed signature; when it verifies, the handshake is complete. */
    public HandshakeResult verifyAccept(byte[] serverAccept) {
        expect(Step.VERIFY_ACCEPT);
        try {
            KeySchedule.checkSize(serverAccept, SecretHandshake.SERVER_ACCEPT_SIZE, "the server accept (msg4)");
            byte[] Ab = KeySchedule.agree(Curve25519.secretFromEd25519Seed(identity.seed()), serverEphemeralKey,
                    "the server's ephemeral key");
            byte[] secret3 = KeySchedule.secret3(networkKey, ab, aB, Ab);
            byte[] signature = SecretBox.open(secret3, KeySchedule.zeroNonce(), serverAccept)
                    .orElseThrow(() -> new HandshakeException(SERVER_AUTHENTICATION_FAILED,
                            "msg4 does not open: the server lacks the private key we dialled"));
            if (!Ed25519.verify(serverPublicKey, signature,
                    KeySchedule.serverSignedMessage(networkKey, clientAuthPlaintext, ab))) {
                throw new HandshakeException(SERVER_AUTHENTICATION_FAILED, "the server's signature does not verify");
            }
            result = KeySchedule.result(secret3, identity.publicKey(), serverPublicKey, clientHello, serverHello);
            step = Step.DONE;
            forgetSecrets();
            Arrays.fill(secret3, (byte) 0);
            return result;
        } catch (RuntimeException e) {
            step = Step.FAILED;
            throw e;
        }
    }

    /** The size of the server message this handshake waits for now, or 0 when it waits for none. */
    public int expectedMessageSize() {
        return switch (step) {
            case AUTHENTICATE -> SecretHandshake.SERVER_HELLO_SIZE;
            case VERIFY_ACCEPT -> SecretHandshake.SERVER_ACCEPT_SIZE;
            default -> 0;
        };
    }

    public boolean isComplete() {
        return step == Step.DONE;
    }

    /** The result of a completed handshake. */
    public HandshakeResult result() {
        if (step != Step.DONE) {
            throw new IllegalStateException("the client handshake is not complete (" + step + ")");
        }
        return result;
    }

    private void expect(Step expected) {
        if (step != expected) {
            throw new IllegalStateException("the client handshake is at " + step + ", not " + expected);
        }
    }

    private void forgetSecrets() {
        Arrays.fill(ab, (byte) 0);
        Arrays.fill(aB, (byte) 0);
        ab = aB = clientAuthPlaintext = serverEphemeralKey = null;
    }
}
