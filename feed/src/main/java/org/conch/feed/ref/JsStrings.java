package org.conch.feed.ref;

import org.conch.feed.json.JsNumbers;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** String operations with JavaScript's results where Java's differ. */
final class JsStrings {
    /**
     * A regex character class for JS's {@code .} without the dotAll flag: one UTF-16 unit that is not a line
     * terminator. Java's {@code .} also refuses U+0085; supplementary code points are refused too, because JS
     * matches one surrogate there and the literal text that follows can never match the other.
     */
    static final String JS_DOT = "[^\\n\\r\\u2028\\u2029\\x{10000}-\\x{10FFFF}]";

    /** Like JS_DOT but for {@code .*} / {@code .+} runs that reach the end: whole surrogate pairs are fine there. */
    static final String JS_DOT_IN_RUN = "[^\\n\\r\\u2028\\u2029]";

    private static final char CAPITAL_SIGMA = '\u03A3';
    private static final char SMALL_SIGMA = '\u03C3';
    private static final char FINAL_SMALL_SIGMA = '\u03C2';
    /** Word_Break MidLetter, MidNumLet and Single_Quote, which Case_Ignorable includes. */
    private static final String WORD_INTERNAL_PUNCTUATION =
            "'.:\u00B7\u0387\u055F\u05F4\u2018\u2019\u2024\u2027\uFE13\uFE52\uFE55\uFF07\uFF0E\uFF1A";

    private JsStrings() {
    }

    /** {@code text.split(separator)}: keeps empty fields, including trailing ones (Java's String.split drops those). */
    static List<String> split(String text, char separator) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int at = text.indexOf(separator); at >= 0; at = text.indexOf(separator, start)) {
            parts.add(text.substring(start, at));
            start = at + 1;
        }
        parts.add(text.substring(start));
        return parts;
    }

    /**
     * {@code text.toLowerCase()}. Java's Locale.ROOT mapping is the same but for capital sigma, whose final form
     * Java decides by word boundaries; JS uses Unicode's Final_Sigma rule: after a cased letter and not before one,
     * case-ignorable characters skipped on both sides.
     */
    static String toLowerCase(String text) {
        if (text.indexOf(CAPITAL_SIGMA) < 0) return text.toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder(text.length());
        int segmentStart = 0;
        for (int at = text.indexOf(CAPITAL_SIGMA); at >= 0; at = text.indexOf(CAPITAL_SIGMA, at + 1)) {
            out.append(text.substring(segmentStart, at).toLowerCase(Locale.ROOT));
            out.append(isFinalSigma(text, at) ? FINAL_SMALL_SIGMA : SMALL_SIGMA);
            segmentStart = at + 1;
        }
        out.append(text.substring(segmentStart).toLowerCase(Locale.ROOT));
        return out.toString();
    }

    private static boolean isFinalSigma(String text, int at) {
        boolean casedBefore = false;
        for (int i = at; i > 0; ) {
            int codePoint = text.codePointBefore(i);
            i -= Character.charCount(codePoint);
            if (isCaseIgnorable(codePoint)) continue;
            casedBefore = isCased(codePoint);
            break;
        }
        if (!casedBefore) return false;
        for (int i = at + 1; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            i += Character.charCount(codePoint);
            if (isCaseIgnorable(codePoint)) continue;
            return !isCased(codePoint);
        }
        return true;
    }

    private static boolean isCased(int codePoint) {
        return Character.isLowerCase(codePoint) || Character.isUpperCase(codePoint) || Character.isTitleCase(codePoint);
    }

    /** Unicode's Case_Ignorable: marks, format characters, modifiers and the word-internal punctuation. */
    private static boolean isCaseIgnorable(int codePoint) {
        switch (Character.getType(codePoint)) {
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.FORMAT, Character.MODIFIER_LETTER,
                    Character.MODIFIER_SYMBOL:
                return true;
            default:
                return WORD_INTERNAL_PUNCTUATION.indexOf(codePoint) >= 0;
        }
    }

    /** {@code text.substring(start, end)}: bounds are clamped to the text and swapped when reversed. */
    static String substring(String text, int start, int end) {
        int from = Math.min(Math.max(start, 0), text.length());
        int to = Math.min(Math.max(end, 0), text.length());
        return from <= to ? text.substring(from, to) : text.substring(to, from);
    }

    /** JS's {@code \s}: WhiteSpace and LineTerminator, which is wider than Java's ASCII {@code \s}. */
    static boolean isWhitespace(char c) {
        return JsNumbers.isJsWhitespace(c);
    }
}
