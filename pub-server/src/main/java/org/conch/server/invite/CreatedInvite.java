package org.conch.server.invite;

import org.conch.feed.FeedId;
import org.conch.feed.ref.InviteCode;

/**
 * An invite just made, with the seed of its key pair: the only moment the seed exists outside the code
 * handed to the invitee (the store keeps the public key alone).
 */
public record CreatedInvite(Invite invite, byte[] seed) {
    public CreatedInvite {
        seed = seed.clone();
    }

    @Override
    public byte[] seed() {
        return seed.clone();
    }

    /** The code to hand out: the pub's host and port as peers dial it, the pub's id and the seed. */
    public InviteCode code(String host, int port, FeedId pub) {
        return new InviteCode(host, port, pub, seed);
    }
}
