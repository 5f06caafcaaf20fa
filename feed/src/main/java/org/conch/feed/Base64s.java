package org.conch.feed;

/** Base64 as Node's {@code Buffer.from(s, 'base64')} reads it: lenient, skipping what is not base64. */
public final class Base64s {
    private Base64s() {
    }

    /**
     * Decodes the standard and URL-safe alphabets, ignores every other character, stops at the
     * first '=', and drops a trailing partial group of one character, as Node does.
     */
    public static byte[] decodeLenient(String text) {
        byte[] out = new byte[text.length() * 3 / 4]; // six bits a character at most
        int written = 0;
        int buffer = 0;
        int bits = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '=') break;
            int value = sextet(c);
            if (value < 0) continue;
            buffer = (buffer << 6) | value;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                out[written++] = (byte) (buffer >> bits);
            }
        }
        return written == out.length ? out : java.util.Arrays.copyOf(out, written);
    }

    private static int sextet(char c) {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+' || c == '-') return 62;
        if (c == '/' || c == '_') return 63;
        return -1;
    }
}
