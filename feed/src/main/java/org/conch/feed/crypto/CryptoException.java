package org.conch.feed.crypto;

import org.conch.feed.FeedException;

/**
 * A key or a shared secret that the Scuttlebutt primitives refuse, as libsodium would: an X25519
 * agreement that comes out all zero, an Ed25519 public key that is not a usable curve point.
 * (A feed error since the primitives live here, where messages are boxed and unboxed; the handshake
 * in gossip turns it into its own error for the peer.)
 */
public class CryptoException extends FeedException {
    public CryptoException(String message) {
        super(message);
    }
}
