package org.conch.feed.ref;

import java.util.Optional;

/**
 * JavaScript's {@code decodeURIComponent}. Java's URLDecoder is not it: that one turns '+' into a space
 * and is lenient about bad escapes, where JS throws (ssb-ref's extract relies on the throw).
 */
final class JsUri {
    private JsUri() {
    }

    /** The decoded text, or empty where JS would throw a URIError. */
    static Optional<String> decodeUriComponent(String encoded) {
        StringBuilder out = new StringBuilder(encoded.length());
        int length = encoded.length();
        for (int i = 0; i < length; i++) {
            char c = encoded.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (i + 2 >= length) return Optional.empty();
            int lead = hexByte(encoded, i + 1);
            if (lead < 0) return Optional.empty();
            i += 2;
            if (lead < 0x80) {
                out.append((char) lead);
                continue;
            }
            int sequenceLength = utf8SequenceLength(lead);
            if (sequenceLength < 0) return Optional.empty();
            if (i + 3 * (sequenceLength - 1) >= length) return Optional.empty();
            int codePoint = lead & (0xFF >> (sequenceLength + 1));
            for (int j = 1; j < sequenceLength; j++) {
                i++;
                if (encoded.charAt(i) != '%') return Optional.empty();
                int continuation = hexByte(encoded, i + 1);
                if (continuation < 0 || (continuation & 0xC0) != 0x80) return Optional.empty();
                i += 2;
                codePoint = (codePoint << 6) | (continuation & 0x3F);
            }
            if (!isWellFormed(codePoint, sequenceLength)) return Optional.empty();
            out.appendCodePoint(codePoint);
        }
        return Optional.of(out.toString());
    }

    /** The byte value of two hex digits at {@code at}, or -1. */
    static int hexByte(String text, int at) {
        if (at + 1 >= text.length()) return -1;
        int high = hexDigit(text.charAt(at));
        int low = hexDigit(text.charAt(at + 1));
        return high < 0 || low < 0 ? -1 : high * 16 + low;
    }

    static int hexDigit(int c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    private static int utf8SequenceLength(int lead) {
        if ((lead & 0xE0) == 0xC0) return 2;
        if ((lead & 0xF0) == 0xE0) return 3;
        if ((lead & 0xF8) == 0xF0) return 4;
        return -1; // a continuation byte or a five-byte-and-longer lead
    }

    /** Rejects overlong forms, surrogates and code points past U+10FFFF, as V8 does. */
    private static boolean isWellFormed(int codePoint, int sequenceLength) {
        return switch (sequenceLength) {
            case 2 -> codePoint >= 0x80;
            case 3 -> codePoint >= 0x800 && (codePoint < 0xD800 || codePoint > 0xDFFF);
            default -> codePoint >= 0x10000 && codePoint <= 0x10FFFF;
        };
    }
}
