package org.conch.server.web;

import java.util.OptionalLong;

/**
 * Page cursors as the API hands them out. Clients treat them as opaque strings; they are log
 * positions written in base 36, so that nobody builds on them being numbers.
 */
public final class Cursors {
    private static final int RADIX = 36;
    private static final int MAX_LENGTH = 13; // Long.MAX_VALUE in base 36

    private Cursors() {
    }

    public static String format(long position) {
        return Long.toString(position, RADIX);
    }

    /** The position of a cursor; empty when {@code text} is not one this API handed out. */
    public static OptionalLong parse(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_LENGTH) return OptionalLong.empty();
        // Only what format writes: Long.parseLong alone would also take a sign and non-ASCII digits.
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'z')) return OptionalLong.empty();
        }
        try {
            long position = Long.parseLong(text, RADIX);
            return position >= 0 ? OptionalLong.of(position) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
