package org.conch.gossip.lan;

import org.conch.gossip.GossipException;

/** A LAN announcement that cannot be made: a network key of the wrong size, an address that is not ours. */
public class LanException extends GossipException {
    public LanException(String message) {
        super(message);
    }
}
