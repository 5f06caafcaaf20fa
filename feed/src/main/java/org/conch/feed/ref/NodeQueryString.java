package org.conch.feed.ref;

import org.conch.feed.json.JsNumbers;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Node's {@code querystring.parse(text)} with its defaults ('&', '=', at most 1000 pairs), which ssb-ref's
 * parseLink uses. Ported step by step because its quirks show in results: '+' becomes a space, a key or value is
 * only decoded once a valid %XX was seen in it, and a bad escape falls back to a byte-wise unescape.
 */
final class NodeQueryString {
    private static final int MAX_PAIRS = 1000;
    private static final char REPLACEMENT_CHARACTER = '\uFFFD';

    private NodeQueryString() {
    }

    /**
     * The parsed pairs in JS property order; a key given several times maps to all its values in order
     * (Node returns a string for one value and an array for several).
     */
    static Map<String, List<String>> parse(String query) {
        Map<String, List<String>> pairs = new LinkedHashMap<>();
        if (query.isEmpty()) return pairs;

        int pairsLeft = MAX_PAIRS;
        int lastPos = 0;
        boolean sawEquals = false;
        StringBuilder key = new StringBuilder();
        StringBuilder value = new StringBuilder();
        boolean keyEncoded = false;
        boolean valueEncoded = false;
        int encodeCheck = 0;
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c == '&') {
                if (!sawEquals) {
                    if (lastPos < i) {
                        key.append(query, lastPos, i);
                    } else if (key.length() == 0) {
                        // an empty substring between separators
                        if (--pairsLeft == 0) return inJsPropertyOrder(pairs);
                        lastPos = i + 1;
                        continue;
                    }
                } else if (lastPos < i) {
                    value.append(query, lastPos, i);
                }
                addPair(pairs, key.toString(), value.toString(), keyEncoded, valueEncoded);
                if (--pairsLeft == 0) return inJsPropertyOrder(pairs);
                keyEncoded = valueEncoded = false;
                key.setLength(0);
                value.setLength(0);
                encodeCheck = 0;
                lastPos = i + 1;
                sawEquals = false;
                continue;
            }
            if (!sawEquals) {
                if (c == '=') {
                    sawEquals = true;
                    if (lastPos < i) key.append(query, lastPos, i);
                    encodeCheck = 0;
                    lastPos = i + 1;
                    continue;
                }
                if (!keyEncoded) {
                    // look for one valid %XX so that only encoded keys pay for decoding
                    if (c == '%') {
                        encodeCheck = 1;
                        continue;
                    } else if (encodeCheck > 0) {
                        if (isLatin1HexDigit(c)) {
                            if (++encodeCheck == 3) keyEncoded = true;
                            continue;
                        }
                        encodeCheck = 0;
                    }
                }
                if (c == '+') {
                    if (lastPos < i) key.append(query, lastPos, i);
                    key.append(' ');
                    lastPos = i + 1;
                    continue;
                }
            }
            // Node runs this part for key characters too, so a '%' in an already-encoded key can flag the value.
            if (c == '+') {
                if (lastPos < i) value.append(query, lastPos, i);
                value.append(' ');
                lastPos = i + 1;
            } else if (!valueEncoded) {
                if (c == '%') {
                    encodeCheck = 1;
                } else if (encodeCheck > 0) {
                    if (isLatin1HexDigit(c)) {
                        if (++encodeCheck == 3) valueEncoded = true;
                    } else {
                        encodeCheck = 0;
                    }
                }
            }
        }

        if (lastPos < query.length()) {
            if (!sawEquals) key.append(query, lastPos, query.length());
            else value.append(query, lastPos, query.length());
        } else if (!sawEquals && key.length() == 0) {
            return inJsPropertyOrder(pairs); // ended on an empty substring
        }
        addPair(pairs, key.toString(), value.toString(), keyEncoded, valueEncoded);
        return inJsPropertyOrder(pairs);
    }

    private static void addPair(Map<String, List<String>> pairs, String key, String value, boolean keyEncoded,
                                boolean valueEncoded) {
        String decodedKey = !key.isEmpty() && keyEncoded ? unescape(key) : key;
        String decodedValue = !value.isEmpty() && valueEncoded ? unescape(value) : value;
        pairs.computeIfAbsent(decodedKey, k -> new ArrayList<>(1)).add(decodedValue);
    }

    /** {@code querystring.unescape}: decodeURIComponent, or Node's byte-wise fallback when that throws. */
    private static String unescape(String text) {
        return JsUri.decodeUriComponent(text).orElseGet(() -> unescapeBytewise(text));
    }

    /** Node's {@code unescapeBuffer(s).toString()}: valid %XX become bytes, other chars their low byte; then UTF-8. */
    private static String unescapeBytewise(String text) {
        byte[] out = new byte[text.length()];
        int outIndex = 0;
        int index = 0;
        int maxLength = text.length() - 2;
        while (index < text.length()) {
            int current = text.charAt(index);
            if (current == '%' && index < maxLength) {
                current = text.charAt(++index);
                int high = latin1HexValue(current);
                if (high < 0) {
                    out[outIndex++] = '%';
                    continue;
                }
                int next = text.charAt(++index);
                int low = latin1HexValue(next);
                if (low < 0) {
                    out[outIndex++] = '%';
                    index--;
                } else {
                    current = high * 16 + low;
                }
            }
            out[outIndex++] = (byte) current; // a Uint8Array keeps the low 8 bits
            index++;
        }
        return decodeUtf8WithReplacement(out, outIndex);
    }

    /**
     * UTF-8 decoding as Node's Buffer does it (the WHATWG decoder): each maximal invalid subpart becomes one U+FFFD.
     * Java's decoder differs, e.g. it turns the encoded surrogate ED A0 80 into one U+FFFD where Node gives three.
     */
    static String decodeUtf8WithReplacement(byte[] bytes, int length) {
        StringBuilder out = new StringBuilder(length);
        int codePoint = 0;
        int bytesNeeded = 0;
        int bytesSeen = 0;
        int lowerBoundary = 0x80;
        int upperBoundary = 0xBF;
        for (int i = 0; i < length; i++) {
            int b = bytes[i] & 0xFF;
            if (bytesNeeded == 0) {
                if (b <= 0x7F) {
                    out.append((char) b);
                } else if (b >= 0xC2 && b <= 0xDF) {
                    bytesNeeded = 1;
                    codePoint = b & 0x1F;
                } else if (b >= 0xE0 && b <= 0xEF) {
                    if (b == 0xE0) lowerBoundary = 0xA0; // no overlong forms
                    if (b == 0xED) upperBoundary = 0x9F; // no surrogates
                    bytesNeeded = 2;
                    codePoint = b & 0xF;
                } else if (b >= 0xF0 && b <= 0xF4) {
                    if (b == 0xF0) lowerBoundary = 0x90;
                    if (b == 0xF4) upperBoundary = 0x8F; // nothing past U+10FFFF
                    bytesNeeded = 3;
                    codePoint = b & 0x7;
                } else {
                    out.append(REPLACEMENT_CHARACTER);
                }
                continue;
            }
            if (b < lowerBoundary || b > upperBoundary) {
                codePoint = bytesNeeded = bytesSeen = 0;
                lowerBoundary = 0x80;
                upperBoundary = 0xBF;
                out.append(REPLACEMENT_CHARACTER);
                i--; // the byte that broke the sequence starts afresh
                continue;
            }
            lowerBoundary = 0x80;
            upperBoundary = 0xBF;
            codePoint = (codePoint << 6) | (b & 0x3F);
            if (++bytesSeen == bytesNeeded) {
                out.appendCodePoint(codePoint);
                codePoint = bytesNeeded = bytesSeen = 0;
            }
        }
        if (bytesNeeded != 0) out.append(REPLACEMENT_CHARACTER);
        return out.toString();
    }

    private static boolean isLatin1HexDigit(char c) {
        return latin1HexValue(c) >= 0;
    }

    private static int latin1HexValue(int c) {
        return JsUri.hexDigit(c);
    }

    /** JS objects list integer-like keys first, ascending, then the rest in insertion order. */
    private static Map<String, List<String>> inJsPropertyOrder(Map<String, List<String>> pairs) {
        List<String> indexKeys = new ArrayList<>();
        for (String key : pairs.keySet()) {
            if ((org.conch.feed.json.CanonicalJson.arrayIndex(key) >= 0)) indexKeys.add(key);
        }
        if (indexKeys.isEmpty()) return pairs;
        indexKeys.sort(Comparator.comparingLong(Long::parseLong));
        Map<String, List<String>> ordered = new LinkedHashMap<>();
        for (String key : indexKeys) ordered.put(key, pairs.get(key));
        pairs.forEach(ordered::putIfAbsent);
        return ordered;
    }
}
