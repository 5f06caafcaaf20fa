package org.conch.feed.ref;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host checks behind ssb-ref's isHost, ported from the versions ssb-ref 2.16.0 resolves:
 * {@code ip@1.1.9} isV4Format / isV6Format and {@code is-valid-domain@0.0.20} without options.
 * These are loose format checks, not validation ("::" and even "" pass isV6Format); they are reproduced as they are
 * because ssb-ref's answers depend on them.
 */
final class HostFormats {
    private static final Pattern IPV4_FORMAT = Pattern.compile("(?:[0-9]{1,3}\\.){3}[0-9]{1,3}");
    private static final Pattern IPV6_FORMAT = Pattern.compile(
            "(?:::)?(?:(?:(?:[0-9]{1,3}\\.){3}[0-9]{1,3})?[0-9a-fA-F]{0,4}:{0,2}){1,8}(?:::)?");
    /** The longest text IPV6_FORMAT can match: 2 + 8 × (15 + 4 + 2) + 2. Longer input is rejected without a search. */
    private static final int IPV6_FORMAT_MAX_LENGTH = 172;

    private static final int MAX_DOMAIN_LENGTH = 253;
    private static final Pattern DOMAIN_CHARS = Pattern.compile("[a-z0-9._*-]+");
    private static final Pattern SECOND_LEVEL_SUFFIX = Pattern.compile("(.*)\\.(([a-z0-9]+)(\\.[a-z0-9]+))");
    /** The JS lookahead (?!^\d+$) is anchored, so "xn--123" passes: only a label of digits alone is refused. */
    private static final Pattern TOP_LEVEL_LABEL = Pattern.compile("(?:xn--)?(?!\\A[0-9]+\\z)[a-z0-9]+");
    private static final Pattern INNER_LABEL_CHARS = Pattern.compile("[a-zA-Z0-9_-]+");
    private static final Pattern LAST_LABEL_CHARS = Pattern.compile("[a-zA-Z0-9-]+");
    private static final int MAX_LABEL_LENGTH = 63;

    private HostFormats() {
    }

    static boolean isV4Format(String text) {
        return IPV4_FORMAT.matcher(text).matches();
    }

    static boolean isV6Format(String text) {
        return text.length() <= IPV6_FORMAT_MAX_LENGTH && IPV6_FORMAT.matcher(text).matches();
    }

    /** is-valid-domain 0.0.20 called without options. */
    static boolean isValidDomain(String text) {
        String value = JsStrings.toLowerCase(text);
        if (value.endsWith(".")) value = value.substring(0, value.length() - 1);
        if (value.length() > MAX_DOMAIN_LENGTH) return false;
        if (!DOMAIN_CHARS.matcher(value).matches()) return false;

        List<String> labels = null;
        // Unanchored at the end, like the JS: "a.co.uk-x" finds "co.uk" and the "-x" is never looked at.
        Matcher secondLevel = SECOND_LEVEL_SUFFIX.matcher(value);
        if (secondLevel.find() && SecondLevelDomains.contains(secondLevel.group(2))) {
            labels = JsStrings.split(secondLevel.group(1), '.');
        }
        if (labels == null) {
            labels = JsStrings.split(value, '.');
            if (labels.size() <= 1) return false;
            String topLevel = labels.remove(labels.size() - 1);
            if (!TOP_LEVEL_LABEL.matcher(topLevel).matches()) return false;
        }
        for (int index = 0; index < labels.size(); index++) {
            String label = labels.get(index);
            boolean last = index == labels.size() - 1;
            if (countNonOverlapping(label, "--") != countNonOverlapping(label, "xn--")) return false;
            boolean valid = (last ? LAST_LABEL_CHARS : INNER_LABEL_CHARS).matcher(label).matches()
                    && label.length() <= MAX_LABEL_LENGTH
                    && !label.startsWith("-")
                    && !label.endsWith("-");
            if (!valid) return false;
        }
        return true;
    }

    private static int countNonOverlapping(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) count++;
        return count;
    }
}
