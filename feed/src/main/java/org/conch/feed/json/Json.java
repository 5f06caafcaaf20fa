package org.conch.feed.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses JSON into the value model JavaScript's {@code JSON.parse} produces, so that re-encoding it
 * gives the bytes a JavaScript peer signed and hashed.
 *
 * <p>The model: objects are {@link LinkedHashMap}s in wire order (a repeated key keeps its first
 * position and takes the last value, as in V8), arrays are {@link List}s, every number is a
 * {@link Double} (IEEE semantics, as in JS), and {@code null} is Java {@code null}.
 */
public final class Json {
    /** Deep enough for any message that fits the 8192-unit limit, shallow enough to keep the stack safe. */
    static final int MAX_DEPTH = 1_000;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxNumberLength(Integer.MAX_VALUE)
                    .maxStringLength(Integer.MAX_VALUE)
                    .build())
            .build();

    private Json() {
    }

    /**
     * Parses UTF-8 bytes; malformed UTF-8 becomes U+FFFD, as Node's Buffer decoding does.
     *
     * <p>An object or array in well-formed UTF-8 (every message a peer sends) is parsed from the bytes
     * directly, without decoding them into a String first: for such input both give the same value, and
     * the received message is the hottest parse there is. Anything else takes the String path, which
     * alone knows Node's replacement of malformed sequences.
     */
    public static Object parse(byte[] utf8) {
        if (!startsAsUtf8Container(utf8) || !isWellFormedUtf8(utf8)) {
            return parse(new String(utf8, StandardCharsets.UTF_8));
        }
        return parseWith(() -> FACTORY.createParser(utf8));
    }

    public static Object parse(String text) {
        return parseWith(() -> FACTORY.createParser(text));
    }

    /** Opens a Jackson parser on the input. */
    private interface ParserSource {
        JsonParser open() throws IOException;
    }

    /** Reads the one JSON value of the input and checks that nothing follows it. */
    private static Object parseWith(ParserSource source) {
        try (JsonParser parser = source.open()) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new JsonException("no JSON value in input");
            }
            Object value = read(parser, first);
            if (parser.nextToken() != null) {
                throw new JsonException("unexpected text after the JSON value at offset " + offset(parser));
            }
            return value;
        } catch (JsonException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new JsonException("not valid JSON: " + firstLine(e.getMessage()), e);
        }
    }

    private static long offset(JsonParser parser) {
        long chars = parser.currentTokenLocation().getCharOffset();
        return chars >= 0 ? chars : parser.currentTokenLocation().getByteOffset();
    }

    /**
     * Whether Jackson will read these bytes as UTF-8 and the value is an object or array: it guesses
     * UTF-16 or UTF-32 from zero bytes among the first four, and skips a byte order mark that
     * {@code JSON.parse} would refuse.
     */
    private static boolean startsAsUtf8Container(byte[] bytes) {
        if (bytes.length < 4 || (bytes[0] != '{' && bytes[0] != '[')) return false;
        return bytes[1] != 0 && bytes[2] != 0 && bytes[3] != 0;
    }

    /**
     * Whether the bytes are well-formed UTF-8 (the Unicode standard's table 3-7: no overlong forms,
     * no surrogates, nothing past U+10FFFF), the only input Java's and Jackson's decoders read alike.
     */
    static boolean isWellFormedUtf8(byte[] bytes) {
        int i = 0;
        int n = bytes.length;
        while (i < n) {
            int b = bytes[i];
            if (b >= 0) {
                i++;
                continue;
            }
            b &= 0xff;
            if (b >= 0xc2 && b <= 0xdf) {
                if (i + 1 >= n || !isContinuation(bytes[i + 1])) return false;
                i += 2;
            } else if (b >= 0xe0 && b <= 0xef) {
                if (i + 2 >= n) return false;
                int second = bytes[i + 1] & 0xff;
                int low = b == 0xe0 ? 0xa0 : 0x80;
                int high = b == 0xed ? 0x9f : 0xbf;
                if (second < low || second > high || !isContinuation(bytes[i + 2])) return false;
                i += 3;
            } else if (b >= 0xf0 && b <= 0xf4) {
                if (i + 3 >= n) return false;
                int second = bytes[i + 1] & 0xff;
                int low = b == 0xf0 ? 0x90 : 0x80;
                int high = b == 0xf4 ? 0x8f : 0xbf;
                if (second < low || second > high || !isContinuation(bytes[i + 2]) || !isContinuation(bytes[i + 3])) {
                    return false;
                }
                i += 4;
            } else {
                return false;
            }
        }
        return true;
    }

    private static boolean isContinuation(byte b) {
        return (b & 0xc0) == 0x80;
    }

    /** Parses text that must hold a JSON object. */
    public static Map<String, Object> parseObject(String text) {
        return asObject(parse(text));
    }

    /** Parses UTF-8 that must hold a JSON object (as {@link #parse(byte[])} does). */
    public static Map<String, Object> parseObject(byte[] utf8) {
        return asObject(parse(utf8));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asObject(Object value) {
        if (!(value instanceof Map)) {
            throw new JsonException("expected a JSON object, got " + typeName(value));
        }
        return (Map<String, Object>) value;
    }

    private static Object read(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT: {
                Map<String, Object> object = new LinkedHashMap<>();
                JsonToken next;
                while ((next = parser.nextToken()) == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    object.put(key, read(parser, parser.nextToken()));
                }
                expect(next, JsonToken.END_OBJECT);
                return object;
            }
            case START_ARRAY: {
                List<Object> array = new ArrayList<>();
                JsonToken next;
                while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
                    if (next == null) {
                        throw new JsonException("unterminated array");
                    }
                    array.add(read(parser, next));
                }
                return array;
            }
            case VALUE_STRING:
                return parser.getText();
            case VALUE_NUMBER_INT:
                // BigInteger.doubleValue and long-to-double are correctly rounded, like JS number parsing.
                if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    return parser.getBigIntegerValue().doubleValue();
                }
                long integer = parser.getLongValue();
                // JSON.parse("-0") is negative zero; a long cannot say so.
                return integer == 0 && parser.getText().charAt(0) == '-' ? -0.0 : (double) integer;
            case VALUE_NUMBER_FLOAT:
                return Double.parseDouble(parser.getText());
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new JsonException("unexpected JSON token " + token);
        }
    }

    private static void expect(JsonToken actual, JsonToken expected) {
        if (actual != expected) {
            throw new JsonException("expected " + expected + " but found " + actual);
        }
    }

    /** The JavaScript {@code typeof}-style name of a value of this model, for error messages. */
    public static String typeName(Object value) {
        if (value == null) return "null";
        if (value instanceof Map) return "object";
        if (value instanceof List) return "array";
        if (value instanceof String) return "string";
        if (value instanceof Double) return "number";
        if (value instanceof Boolean) return "boolean";
        return value.getClass().getSimpleName();
    }

    private static String firstLine(String message) {
        if (message == null) return "unknown error";
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
