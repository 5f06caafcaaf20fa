package org.conch.gossip.shs;

import org.conch.feed.FeedId;

/**
 * What a completed secret handshake yields: who the peer is, and the key and starting nonce of
 * each direction of the box-stream that follows. {@code encrypt*} is for what we send,
 * {@code decrypt*} for what we receive; one side's encrypt pair is the other's decrypt pair.
 */
public final class HandshakeResult {
    private final byte[] remotePublicKey;
    private final byte[] encryptKey;
    private final byte[] encryptNonce;
    private final byte[] decryptKey;
    private final byte[] decryptNonce;

    HandshakeResult(byte[] remotePublicKey, byte[] encryptKey, byte[] encryptNonce,
                    byte[] decryptKey, byte[] decryptNonce) {
        this.remotePublicKey = remotePublicKey.clone();
        this.encryptKey = encryptKey.clone();
        this.encryptNonce = encryptNonce.clone();
        this.decryptKey = decryptKey.clone();
        this.decryptNonce = decryptNonce.clone();
    }

    /** The peer's long-term Ed25519 public key, proven by its signature. */
    public byte[] remotePublicKey() {
        return remotePublicKey.clone();
    }

    /** The peer's feed id, {@code @<base64>.ed25519}. */
    public FeedId remoteId() {
        return FeedId.of(remotePublicKey);
    }

    /** Box-stream key for what we send: sha256(S ‖ remote long-term key). */
    public byte[] encryptKey() {
        return encryptKey.clone();
    }

    /** Box-stream starting nonce for what we send: the first 24 bytes of the peer's hello. */
    public byte[] encryptNonce() {
        return encryptNonce.clone();
    }

    /** Box-stream key for what we receive: sha256(S ‖ our long-term key). */
    public byte[] decryptKey() {
        return decryptKey.clone();
    }

    /** Box-stream starting nonce for what we receive: the first 24 bytes of our hello. */
    public byte[] decryptNonce() {
        return decryptNonce.clone();
    }

    @Override
    public String toString() {
        return "HandshakeResult[remote " + remoteId() + "]";
    }
}
