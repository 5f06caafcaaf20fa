package org.conch.gossip.muxrpc;

/**
 * What a method handler knows about the call it serves.
 *
 * @param caller  who called
 * @param method  the dotted method name ({@code ebt.replicate})
 * @param type    the call type
 * @param request the caller's request number (positive; replies carry its negation)
 * @param session the connection's session, for calls back to the same peer
 */
public record CallContext(Caller caller, String method, CallType type, int request, RpcSession session) {
}
