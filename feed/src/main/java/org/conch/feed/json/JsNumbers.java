package org.conch.feed.json;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * JavaScript's {@code Number.prototype.toString()} for doubles (ECMA-262 Number::toString), which
 * {@code JSON.stringify} uses: the shortest digits that round-trip, laid out in plain or exponent form;
 * and the conversions to number (ToNumber) that JavaScript's loose comparisons and ssb-ref's
 * {@code +port} apply, so that conch answers as the JavaScript code does.
 */
public final class JsNumbers {
    /** 2^53: below it every integral double prints as a plain long. */
    private static final double EXACT_INTEGER_LIMIT = 9007199254740992.0;
    /** ECMAScript StrDecimalLiteral, after the whitespace is trimmed. */
    private static final Pattern DECIMAL_LITERAL =
            Pattern.compile("[+-]?(?:Infinity|(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?)");

    private JsNumbers() {
    }

    /** The text JSON.stringify writes for this number ("null" for NaN and the infinities). */
    public static String toJson(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "null";
        }
        return toJsString(value);
    }

    public static String toJsString(double value) {
        if (Double.isNaN(value)) return "NaN";
        if (Double.isInfinite(value)) return value > 0 ? "Infinity" : "-Infinity";
        if (value == 0) return "0"; // also -0
        if (value == Math.rint(value) && Math.abs(value) < EXACT_INTEGER_LIMIT) {
            return Long.toString((long) value);
        }
        StringBuilder out = new StringBuilder(26);
        if (value < 0) {
            out.append('-');
            value = -value;
        }
        BigDecimal shortest = shortestRoundTrip(value);
        String digits = shortest.unscaledValue().toString();
        // Strip trailing zeros of the digit string: ES wants k as small as possible.
        int k = digits.length();
        while (k > 1 && digits.charAt(k - 1) == '0') {
            k--;
        }
        digits = digits.substring(0, k);
        // value = 0.digits × 10^n  (ES: s × 10^(n−k))
        int n = shortest.precision() - shortest.scale();
        layOut(out, digits, k, n);
        return out.toString();
    }

    private static void layOut(StringBuilder out, String digits, int k, int n) {
        if (k <= n && n <= 21) {
            out.append(digits);
            for (int i = 0; i < n - k; i++) out.append('0');
        } else if (0 < n && n <= 21) {
            out.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            out.append("0.");
            for (int i = 0; i < -n; i++) out.append('0');
            out.append(digits);
        } else {
            out.append(digits.charAt(0));
            if (k > 1) {
                out.append('.').append(digits, 1, k);
            }
            int exponent = n - 1;
            out.append('e').append(exponent >= 0 ? '+' : '-').append(Math.abs(exponent));
        }
    }

    /**
     * The decimal with the fewest significant digits that reads back as {@code value}, and of those the
     * closest: rounding the exact binary value to p digits gives the closest p-digit decimal, and if p
     * digits round-trip so do p+1, so the search walks down from the JDK's (round-tripping) answer.
     */
    private static BigDecimal shortestRoundTrip(double value) {
        BigDecimal exact = new BigDecimal(value);
        BigDecimal best = new BigDecimal(Double.toString(value));
        for (int precision = best.stripTrailingZeros().precision() - 1; precision >= 1; precision--) {
            BigDecimal candidate = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
            if (candidate.doubleValue() != value) {
                break;
            }
            best = candidate;
        }
        // The JDK's text may not be the closest at its own length either; rounding the exact value is.
        BigDecimal closest = exact.round(new MathContext(best.stripTrailingZeros().precision(), RoundingMode.HALF_EVEN));
        return closest.doubleValue() == value ? closest : best;
    }

    /** {@code +value} for the values a JSON document or a Java caller can hand us; absent is JS undefined. */
    public static double toNumber(Object value) {
        if (value == null) return 0; // JS null
        if (value instanceof Number number) return number.doubleValue();
        if (value instanceof Boolean bool) return bool ? 1 : 0;
        if (value instanceof String text) return toNumber(text);
        if (value instanceof List<?> list) return toNumber(arrayToString(list));
        return Double.NaN; // plain objects convert through "[object Object]"
    }

    /** ECMAScript StringToNumber. */
    public static double toNumber(String text) {
        String trimmed = trimJsWhitespace(text);
        if (trimmed.isEmpty()) return 0;
        if (trimmed.length() > 2 && trimmed.charAt(0) == '0') {
            int radix = switch (trimmed.charAt(1)) {
                case 'x', 'X' -> 16;
                case 'o', 'O' -> 8;
                case 'b', 'B' -> 2;
                default -> 0;
            };
            if (radix != 0) return parseUnsignedInRadix(trimmed.substring(2), radix);
        }
        if (!DECIMAL_LITERAL.matcher(trimmed).matches()) return Double.NaN;
        if (trimmed.endsWith("Infinity")) {
            return trimmed.charAt(0) == '-' ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        return Double.parseDouble(trimmed); // correctly rounded, like JS
    }

    /** {@code Number.isInteger}. */
    public static boolean isInteger(double value) {
        return !Double.isNaN(value) && !Double.isInfinite(value) && value == Math.rint(value);
    }

    public static boolean isJsWhitespace(char c) {
        return switch (c) {
            case '\t', '\n', '\u000B', '\f', '\r', ' ', '\u00A0', '\u1680', '\u2028', '\u2029', '\u202F', '\u205F',
                    '\u3000', '\uFEFF' -> true;
            default -> c >= '\u2000' && c <= '\u200A';
        };
    }

    private static String trimJsWhitespace(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && isJsWhitespace(text.charAt(start))) start++;
        while (end > start && isJsWhitespace(text.charAt(end - 1))) end--;
        return text.substring(start, end);
    }

    private static double parseUnsignedInRadix(String digits, int radix) {
        if (digits.isEmpty()) return Double.NaN;
        for (int i = 0; i < digits.length(); i++) {
            if (Character.digit(digits.charAt(i), radix) < 0 || digits.charAt(i) > 'z') return Double.NaN;
        }
        return new BigInteger(digits, radix).doubleValue(); // rounds to nearest, ties to even
    }

    /** {@code Array.prototype.toString}, for the rare caller who hands a list where a number belongs. */
    public static String arrayToString(List<?> list) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) out.append(',');
            Object element = list.get(i);
            if (element == null) continue;
            if (element instanceof Number number) out.append(toJsString(number.doubleValue()));
            else if (element instanceof List<?> nested) out.append(arrayToString(nested));
            else if (element instanceof Map<?, ?>) out.append("[object Object]");
            else out.append(element);
        }
        return out.toString();
    }
}
