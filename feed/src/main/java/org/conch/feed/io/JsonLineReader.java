package org.conch.feed.io;

import java.io.IOException;
import java.io.Reader;

/**
 * Splits a character stream into lines at {@code '\n'} (a trailing {@code '\r'} is dropped), numbering
 * them from 1, without ever holding more than one line of at most {@link #MAX_LINE_CHARS} characters:
 * a longer line is skipped and reported as too long, so a hostile file cannot exhaust the heap.
 */
final class JsonLineReader {
    /**
     * Far above any valid line: a message's signed JSON is at most 8192 UTF-16 units, and even with
     * every character written as a six-character escape its key-value-timestamp line stays under 60,000.
     */
    static final int MAX_LINE_CHARS = 1 << 20;

    /** A line of input; {@code text} is null when the line was longer than {@link #MAX_LINE_CHARS}. */
    record Line(long number, String text) {
        boolean isTooLong() {
            return text == null;
        }

        /** Only JSON whitespace: such lines carry no message and are skipped. */
        boolean isBlank() {
            if (text == null) return false;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c != ' ' && c != '\t' && c != '\r') return false;
            }
            return true;
        }
    }

    private final Reader reader;
    private final char[] buffer = new char[1 << 16];
    private final StringBuilder current = new StringBuilder();
    private int position;
    private int limit;
    private long lineNumber;

    JsonLineReader(Reader reader) {
        this.reader = reader;
    }

    /** The next line, or null at the end of the input. */
    Line next() throws IOException {
        current.setLength(0);
        boolean tooLong = false;
        boolean readAnything = false;
        while (true) {
            if (position == limit) {
                int read = reader.read(buffer);
                position = 0;
                limit = Math.max(read, 0);
                if (read < 0) {
                    if (!readAnything) return null;
                    break; // last line without a newline
                }
                continue;
            }
            readAnything = true;
            int start = position;
            while (position < limit && buffer[position] != '\n') position++;
            int length = position - start;
            if (!tooLong && current.length() + length > MAX_LINE_CHARS) {
                tooLong = true;
                current.setLength(0);
            }
            if (!tooLong) current.append(buffer, start, length);
            if (position < limit) {
                position++; // the newline
                break;
            }
        }
        lineNumber++;
        if (tooLong) return new Line(lineNumber, null);
        int end = current.length();
        if (end > 0 && current.charAt(end - 1) == '\r') end--;
        return new Line(lineNumber, current.substring(0, end));
    }
}
