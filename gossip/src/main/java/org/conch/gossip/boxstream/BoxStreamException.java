package org.conch.gossip.boxstream;

import org.conch.gossip.GossipException;

/** A box-stream that cannot be trusted any further: a frame that does not authenticate, bytes after goodbye. */
public class BoxStreamException extends GossipException {
    public BoxStreamException(String message) {
        super(message);
    }
}
