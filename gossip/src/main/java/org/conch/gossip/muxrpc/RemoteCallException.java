package org.conch.gossip.muxrpc;

import org.conch.gossip.GossipException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The other peer answered a call with an error (an async reply with the end/error flag, or a stream
 * ended with an error object). Not a protocol violation: the connection stays open.
 *
 * <p>{@link #getMessage()} is the remote {@code message} exactly, so callers can compare it with the
 * texts peers use to say "no such method" ({@link #isMissingMethod(String, String)}).
 */
public class RemoteCallException extends GossipException {
    private final String remoteName;
    private final String remoteStack;
    private final String method;

    public RemoteCallException(String method, String remoteName, String message, String remoteStack) {
        super(message);
        this.method = method;
        this.remoteName = remoteName;
        this.remoteStack = remoteStack;
    }

    /** The method that was called, dotted ({@code ebt.replicate}). */
    public String method() {
        return method;
    }

    /** The remote error's {@code name}, usually {@code "Error"}. */
    public String remoteName() {
        return remoteName;
    }

    /** The remote error's {@code stack}, or null. */
    public String remoteStack() {
        return remoteStack;
    }

    /**
     * Whether this error is one of the two texts that ssb-ebt takes for "the peer does not have this
     * method": the JS permission text and go-muxrpc's.
     */
    public boolean isMissingMethod(String namespace, String methodName) {
        String message = getMessage();
        return ("method:" + namespace + "," + methodName + " is not in list of allowed methods").equals(message)
                || ("muxrpc: no such command: " + namespace + "." + methodName).equals(message);
    }

    /** Reads an error body; anything that is not an object becomes its text as the message. */
    static RemoteCallException fromBody(String method, Object body) {
        if (body instanceof Map<?, ?> map) {
            Object message = map.get("message");
            Object name = map.get("name");
            Object stack = map.get("stack");
            return new RemoteCallException(method,
                    name instanceof String s ? s : "Error",
                    message instanceof String s ? s : String.valueOf(message),
                    stack instanceof String s ? s : null);
        }
        return new RemoteCallException(method, "Error", String.valueOf(body), null);
    }

    /**
     * The error object JS packet-stream sends ({@code flat(err)}): message, name, stack in that order.
     * The stack is the JS first line only: a Java stack trace is not the peer's business.
     */
    static Map<String, Object> errorBody(String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", message);
        body.put("name", "Error");
        body.put("stack", "Error: " + message);
        return body;
    }
}
