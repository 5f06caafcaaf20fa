package org.conch.gossip.muxrpc;

/**
 * Who is on the other end of a connection, as far as permissions go: the local identity itself
 * ({@code master}, e.g. the CLI) or anyone else ({@code anonymous}, every other peer).
 *
 * @param peerId the remote feed id ({@code @….ed25519}), or a label for tests
 * @param master true when the remote key is the local identity's own key
 */
public record Caller(String peerId, boolean master) {
    public static Caller anonymous(String peerId) {
        return new Caller(peerId, false);
    }

    public static Caller master(String peerId) {
        return new Caller(peerId, true);
    }
}
