package org.conch.gossip.crypto;

import org.conch.gossip.GossipException;

/**
 * A key or a shared secret that the Scuttlebutt primitives refuse, as libsodium would: an X25519
 * agreement that comes out all zero, an Ed25519 public key that is not a usable curve point.
 */
public class CryptoException extends GossipException {
    public CryptoException(String message) {
        super(message);
    }
}
