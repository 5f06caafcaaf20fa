package org.conch.feed.json;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * V8's {@code JSON.stringify} byte for byte, over the value model of {@link Json}: the signing form
 * {@code JSON.stringify(value, null, 2)} and the compact form {@code JSON.stringify(value)} used on the wire.
 *
 * <p>What makes it V8: strings escape only {@code "}, {@code \}, control characters (short escapes where
 * they exist, else lowercase \\u00xx escapes) and lone surrogates (lowercase \\udxxx); numbers
 * follow {@link JsNumbers}; object keys that are array indices ("0", or [1-9][0-9]* below 2^32−1) come
 * first in numeric order, then the others in insertion order.
 */
public final class CanonicalJson {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    /** The largest array index is 2^32 − 2. */
    private static final long MAX_ARRAY_INDEX = 4294967294L;
    /** Past this many chars a thread's builder is dropped after use: messages are at most 8192. */
    private static final int MAX_KEPT_BUFFER = 32 * 1024;
    private static final ThreadLocal<StringBuilder> BUFFER = ThreadLocal.withInitial(() -> new StringBuilder(2048));

    private CanonicalJson() {
    }

    /** {@code JSON.stringify(value, null, 2)}: the form that is signed and hashed. */
    public static String pretty(Object value) {
        return render(value, 2);
    }

    /** {@code JSON.stringify(value)}: the form sent on the wire and stored. */
    public static String compact(Object value) {
        return render(value, 0);
    }

    /**
     * The compact form's UTF-8 from the pretty form's UTF-8 ({@code prettyUtf8[0, length)}), without the
     * value: the two differ only in the spaces and newlines {@code JSON.stringify(v, null, 2)} puts between
     * tokens, and a string holds neither raw (it escapes newlines), so dropping every space and newline
     * outside strings is exact. A received message is rendered pretty to check its signature anyway;
     * this spares rendering it a second time to store it.
     */
    public static byte[] compactFromPretty(byte[] prettyUtf8, int length) {
        byte[] compact = new byte[length];
        int n = compactFromPretty(prettyUtf8, length, compact, 0);
        return n == length ? compact : java.util.Arrays.copyOf(compact, n);
    }

    /**
     * The same into {@code out} from {@code offset} (room for {@code length} bytes, not overlapping the
     * input); returns the compact form's length.
     */
    public static int compactFromPretty(byte[] prettyUtf8, int length, byte[] out, int offset) {
        int n = offset;
        boolean inString = false;
        for (int i = 0; i < length; i++) {
            byte b = prettyUtf8[i];
            if (inString) {
                out[n++] = b;
                if (b == '\\') {
                    out[n++] = prettyUtf8[++i]; // the escaped character, which may be a quote
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b != ' ' && b != '\n') {
                out[n++] = b;
                if (b == '"') inString = true;
            }
        }
        return n - offset;
    }

    private static String render(Object value, int indent) {
        // Every message is rendered at least twice on its way in; a builder kept per thread spares
        // growing a new one through several copies each time.
        StringBuilder out = BUFFER.get();
        out.setLength(0);
        write(out, value, indent, 0);
        String rendered = out.toString();
        if (out.capacity() > MAX_KEPT_BUFFER) BUFFER.remove(); // a rare huge value keeps no memory
        return rendered;
    }

    public static void writePretty(StringBuilder out, Object value) {
        write(out, value, 2, 0);
    }

    public static void writeCompact(StringBuilder out, Object value) {
        write(out, value, 0, 0);
    }

    private static void write(StringBuilder out, Object value, int indent, int depth) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            quote(out, s);
        } else if (value instanceof Double d) {
            out.append(JsNumbers.toJson(d));
        } else if (value instanceof Boolean b) {
            out.append(b ? "true" : "false");
        } else if (value instanceof Map<?, ?> map) {
            writeObject(out, map, indent, depth);
        } else if (value instanceof List<?> list) {
            writeArray(out, list, indent, depth);
        } else if (value instanceof Number n) {
            out.append(JsNumbers.toJson(n.doubleValue()));
        } else {
            throw new JsonException("cannot encode a " + value.getClass().getName() + " as JSON");
        }
    }

    private static void writeObject(StringBuilder out, Map<?, ?> map, int indent, int depth) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        out.append('{');
        boolean first = true;
        for (Object key : orderedKeys(map)) {
            if (!first) out.append(',');
            first = false;
            newline(out, indent, depth + 1);
            quote(out, (String) key);
            out.append(indent > 0 ? ": " : ":");
            write(out, map.get(key), indent, depth + 1);
        }
        newline(out, indent, depth);
        out.append('}');
    }

    private static void writeArray(StringBuilder out, List<?> list, int indent, int depth) {
        if (list.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) out.append(',');
            newline(out, indent, depth + 1);
            write(out, list.get(i), indent, depth + 1);
        }
        newline(out, indent, depth);
        out.append(']');
    }

    private static void newline(StringBuilder out, int indent, int depth) {
        if (indent == 0) return;
        out.append('\n');
        for (int i = indent * depth; i > 0; i--) out.append(' ');
    }

    /** Insertion order, except that array-index keys come first in numeric order, as V8 stores them. */
    static Iterable<?> orderedKeys(Map<?, ?> map) {
        List<Object> indexKeys = null;
        for (Object key : map.keySet()) {
            if (arrayIndex((String) key) >= 0) {
                if (indexKeys == null) indexKeys = new ArrayList<>();
                indexKeys.add(key);
            }
        }
        if (indexKeys == null) {
            return map.keySet();
        }
        indexKeys.sort((a, b) -> Long.compare(arrayIndex((String) a), arrayIndex((String) b)));
        List<Object> ordered = new ArrayList<>(map.size());
        ordered.addAll(indexKeys);
        for (Object key : map.keySet()) {
            if (arrayIndex((String) key) < 0) ordered.add(key);
        }
        return ordered;
    }

    /** The array index a key names, or −1 when it is an ordinary property name. */
    public static long arrayIndex(String key) {
        int length = key.length();
        if (length == 0 || length > 10) return -1;
        char first = key.charAt(0);
        if (first < '0' || first > '9' || (first == '0' && length > 1)) return -1;
        long index = 0;
        for (int i = 0; i < length; i++) {
            char c = key.charAt(i);
            if (c < '0' || c > '9') return -1;
            index = index * 10 + (c - '0');
        }
        return index <= MAX_ARRAY_INDEX ? index : -1;
    }

    /** QuoteJSONString of ECMA-262 with well-formed output (lone surrogates escaped), as Node ≥ 12. */
    public static void quote(StringBuilder out, String s) {
        out.append('"');
        int length = s.length();
        int plainFrom = 0;
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            String escape = null;
            boolean hexEscape = false;
            if (c < 0x20 || c == '"' || c == '\\') {
                switch (c) {
                    case '"': escape = "\\\""; break;
                    case '\\': escape = "\\\\"; break;
                    case '\b': escape = "\\b"; break;
                    case '\f': escape = "\\f"; break;
                    case '\n': escape = "\\n"; break;
                    case '\r': escape = "\\r"; break;
                    case '\t': escape = "\\t"; break;
                    default: hexEscape = true;
                }
            } else if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c)
                        ? i + 1 < length && Character.isLowSurrogate(s.charAt(i + 1))
                        : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
                if (paired) {
                    if (Character.isHighSurrogate(c)) i++; // keep the pair together, raw
                    continue;
                }
                hexEscape = true;
            } else {
                continue;
            }
            out.append(s, plainFrom, i);
            if (hexEscape) {
                out.append("\\u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF])
                        .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
            } else {
                out.append(escape);
            }
            plainFrom = i + 1;
        }
        out.append(s, plainFrom, length);
        out.append('"');
    }
}
