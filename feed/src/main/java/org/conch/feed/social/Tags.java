package org.conch.feed.social;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Hashtags and channels as Patchwork and Manyverse write them: a post's {@code channel}, its {@code mentions}
 * entries whose link is {@code #tag}, and {@code #tag} words in its text. Compared without case, without the {@code #}.
 */
public final class Tags {
    static final int MAX_LENGTH = 100;
    private static final Pattern TAG = Pattern.compile("[\\p{L}\\p{N}_-]+");

    private Tags() {
    }

    /** The tag {@code text} names ({@code #Gardening} and {@code gardening} both give {@code gardening}); empty when it is none. */
    public static Optional<String> normalize(String text) {
        if (text == null) return Optional.empty();
        String tag = text.strip();
        if (tag.startsWith("#")) tag = tag.substring(1);
        tag = tag.toLowerCase(Locale.ROOT);
        return tag.length() <= MAX_LENGTH && TAG.matcher(tag).matches() ? Optional.of(tag) : Optional.empty();
    }

    /**
     * Adds each {@code #word} of {@code text} at its start or after a space or an opening bracket (not inside a URL's
     * fragment). A scan from one {@code #} to the next: most posts have none, and a regular expression tried at every
     * character was most of the time the index took to read a store.
     */
    private static void inText(String text, Set<String> tags) {
        for (int hash = text.indexOf('#'); hash >= 0; hash = text.indexOf('#', hash + 1)) {
            if (hash > 0) {
                char before = text.charAt(hash - 1);
                if (!Character.isWhitespace(before) && before != '(' && before != '[') continue;
            }
            int end = hash + 1;
            while (end < text.length() && isTagChar(text.codePointAt(end))) end += Character.charCount(text.codePointAt(end));
            if (end > hash + 1) normalize(text.substring(hash + 1, end)).ifPresent(tags::add);
        }
    }

    /** What {@link #TAG} takes: a letter ({@code \p{L}}), a number ({@code \p{N}}), {@code _} or {@code -}. */
    private static boolean isTagChar(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER, Character.MODIFIER_LETTER,
                    Character.OTHER_LETTER, Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> true;
            default -> codePoint == '_' || codePoint == '-';
        };
    }

    /** The tags of a message's content, normalized, each once. */
    static Set<String> of(Map<?, ?> content) {
        Set<String> tags = new LinkedHashSet<>();
        if (content.get("channel") instanceof String channel) normalize(channel).ifPresent(tags::add);
        if (content.get("mentions") instanceof List<?> mentions) {
            for (Object mention : mentions) {
                if (mention instanceof Map<?, ?> entry && entry.get("link") instanceof String link && link.startsWith("#")) {
                    normalize(link).ifPresent(tags::add);
                }
            }
        }
        if (content.get("text") instanceof String text) inText(text, tags);
        return tags;
    }
}
