package org.conch.gossip.muxrpc;

import org.conch.feed.json.CanonicalJson;
import org.conch.feed.json.Json;
import org.conch.feed.json.JsonException;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One muxrpc packet: the flags of its header, its request number and its body.
 *
 * <p>The body is never empty: a header whose length is 0 is a goodbye to the JS decoder, so an empty
 * body cannot be sent. {@link #of} maps the empty string to the JSON string {@code ""} (the same value
 * to a JS peer); everything else that would be empty is refused here. The body array is owned by the
 * packet: do not modify it.
 *
 * @param stream  S flag: part of a stream
 * @param end     E flag: the end of a stream, or an error reply to an async call
 * @param type    how the body reads
 * @param request the request number: positive from the requester, negative in replies
 * @param body    the body bytes, at least one
 */
public record Packet(boolean stream, boolean end, BodyType type, int request, byte[] body) {
    private static final byte[] EMPTY_JSON_STRING = {'"', '"'};

    public Packet {
        if (type == null) {
            throw new IllegalArgumentException("body type is required");
        }
        if (body == null || body.length == 0) {
            throw new MuxrpcException("a muxrpc body cannot be empty: a zero length reads as goodbye");
        }
    }

    /**
     * A packet carrying {@code value} as JS's packet-stream-codec encodes it: a String as
     * {@link BodyType#STRING}, a byte[] as {@link BodyType#BINARY}, anything else as compact JSON.
     * An empty String or byte[] is sent as the JSON string {@code ""}.
     */
    public static Packet of(boolean stream, boolean end, int request, Object value) {
        if (value instanceof String s) {
            return s.isEmpty()
                    ? new Packet(stream, end, BodyType.JSON, request, EMPTY_JSON_STRING.clone())
                    : new Packet(stream, end, BodyType.STRING, request, s.getBytes(StandardCharsets.UTF_8));
        }
        if (value instanceof byte[] bytes) {
            return bytes.length == 0
                    ? new Packet(stream, end, BodyType.JSON, request, EMPTY_JSON_STRING.clone())
                    : new Packet(stream, end, BodyType.BINARY, request, bytes);
        }
        return json(stream, end, request, value);
    }

    /** A JSON packet: {@code JSON.stringify(value)} in UTF-8. */
    public static Packet json(boolean stream, boolean end, int request, Object value) {
        return new Packet(stream, end, BodyType.JSON, request,
                CanonicalJson.compact(value).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The body as a value: JSON parsed into the model of {@link Json} (LinkedHashMap, List, Double,
     * String, Boolean, null), a String for string bodies, the byte[] itself for binary ones.
     *
     * @throws MuxrpcException when a JSON body does not parse
     */
    public Object value() {
        switch (type) {
            case BINARY:
                return body;
            case STRING:
                return new String(body, StandardCharsets.UTF_8);
            default:
                try {
                    return Json.parse(body);
                } catch (JsonException e) {
                    throw new MuxrpcException("muxrpc packet " + request + " has a JSON body that does not parse: "
                            + e.getMessage(), e);
                }
        }
    }

    /** The flags byte: {@code 0000 S E TT}. */
    public int flags() {
        return (stream ? 8 : 0) | (end ? 4 : 0) | type.code();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Packet p && p.stream == stream && p.end == end && p.type == type
                && p.request == request && Arrays.equals(p.body, body);
    }

    @Override
    public int hashCode() {
        return ((Integer.hashCode(request) * 31 + flags()) * 31) + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        String shown = type == BodyType.BINARY
                ? HexFormat.of().formatHex(body, 0, Math.min(body.length, 32)) + (body.length > 32 ? "…" : "")
                : preview(new String(body, StandardCharsets.UTF_8));
        return "Packet[req=" + request + (stream ? " stream" : "") + (end ? " end" : "") + " " + type
                + " " + body.length + "B " + shown + "]";
    }

    private static String preview(String text) {
        return text.length() <= 120 ? text : text.substring(0, 120) + "…";
    }
}
