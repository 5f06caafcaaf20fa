package org.conch.gossip.muxrpc;

import org.conch.gossip.GossipException;

/**
 * The peer broke the muxrpc protocol (a frame that does not decode, a body over the size limit,
 * JSON that does not parse) or the connection under the RPC layer went away. A violation closes
 * that one connection.
 */
public class MuxrpcException extends GossipException {
    public MuxrpcException(String message) {
        super(message);
    }

    public MuxrpcException(String message, Throwable cause) {
        super(message, cause);
    }
}
