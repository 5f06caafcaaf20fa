package org.conch.gossip.muxrpc;

/** The four kinds of muxrpc call. JS's {@code sync} is {@link #ASYNC} on the wire. */
public enum CallType {
    ASYNC("async"),
    SOURCE("source"),
    SINK("sink"),
    DUPLEX("duplex");

    private final String wireName;

    CallType(String wireName) {
        this.wireName = wireName;
    }

    /** The name in a request's {@code type} field and in manifests. */
    public String wireName() {
        return wireName;
    }

    public boolean isStream() {
        return this != ASYNC;
    }

    /** The stream type named in a request, or null when it is not one of source, sink, duplex. */
    static CallType streamType(Object type) {
        if ("source".equals(type)) return SOURCE;
        if ("sink".equals(type)) return SINK;
        if ("duplex".equals(type)) return DUPLEX;
        return null;
    }
}
