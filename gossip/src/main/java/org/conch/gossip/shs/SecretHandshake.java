package org.conch.gossip.shs;

import org.conch.feed.crypto.Hmac;
import org.conch.feed.crypto.SecretBox;

import java.util.HexFormat;

/**
 * Sizes and constants of the secret handshake (SHS v1), protocol.md §2. The four messages, in order:
 * <pre>
 *   msg1  client → server   64  hmac(K, a_pk)[32] ‖ a_pk[32]                       client hello
 *   msg2  server → client   64  hmac(K, b_pk)[32] ‖ b_pk[32]                       server hello
 *   msg3  client → server  112  secretbox(sha256(K‖ab‖aB), 0, sigA[64] ‖ A[32])     client authenticate
 *   msg4  server → client   80  secretbox(sha256(K‖ab‖aB‖Ab), 0, sigB[64])          server accept
 * </pre>
 * {@link ClientHandshake} and {@link ServerHandshake} are the two sides as pure steps: bytes of the
 * peer's message in, bytes to send out.
 */
public final class SecretHandshake {
    /** The network identifier K ("app key", "caps.shs"). */
    public static final int NETWORK_KEY_SIZE = 32;
    public static final int PUBLIC_KEY_SIZE = 32;
    public static final int SIGNATURE_SIZE = 64;
    /** msg1: the client's hello. */
    public static final int CLIENT_HELLO_SIZE = Hmac.TAG_SIZE + PUBLIC_KEY_SIZE;
    /** msg2: the server's hello. */
    public static final int SERVER_HELLO_SIZE = Hmac.TAG_SIZE + PUBLIC_KEY_SIZE;
    /** The plaintext of msg3: the client's signature and long-term public key. */
    public static final int CLIENT_AUTH_PLAINTEXT_SIZE = SIGNATURE_SIZE + PUBLIC_KEY_SIZE;
    /** msg3: the client's authentication, boxed. */
    public static final int CLIENT_AUTH_SIZE = SecretBox.MAC_SIZE + CLIENT_AUTH_PLAINTEXT_SIZE;
    /** msg4: the server's acceptance (its signature), boxed. */
    public static final int SERVER_ACCEPT_SIZE = SecretBox.MAC_SIZE + SIGNATURE_SIZE;
    /** Box-stream nonces are the first 24 bytes of a hello's HMAC. */
    public static final int NONCE_SIZE = SecretBox.NONCE_SIZE;

    private static final String MAIN_NETWORK_KEY_HEX = "d4a1cb88a66f02f8db635ce26441cc5dac1b08420ceaac230839b755845a9ffb";

    private SecretHandshake() {
    }

    /** The main Scuttlebutt network's K, base64 {@code 1KHLiKZvAvjbY1ziZEHMXawbCEIM6qwjCDm3VYRan/s=}. */
    public static byte[] mainNetworkKey() {
        return HexFormat.of().parseHex(MAIN_NETWORK_KEY_HEX);
    }
}
