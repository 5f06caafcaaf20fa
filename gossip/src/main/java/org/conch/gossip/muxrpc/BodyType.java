package org.conch.gossip.muxrpc;

/** The two low bits of a packet's flags: how the body is to be read. */
public enum BodyType {
    BINARY(0),
    STRING(1),
    JSON(2);

    private final int code;

    BodyType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type of a flags byte; 3 is not defined and is a protocol violation. */
    public static BodyType ofCode(int code) {
        switch (code) {
            case 0: return BINARY;
            case 1: return STRING;
            case 2: return JSON;
            default: throw new MuxrpcException("unknown muxrpc body type " + code);
        }
    }
}
