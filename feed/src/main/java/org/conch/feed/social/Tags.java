package org.conch.feed.social;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hashtags and channels as Patchwork and Manyverse write them: a post's {@code channel}, its {@code mentions}
 * entries whose link is {@code #tag}, and {@code #tag} words in its text. Compared without case, without the {@code #}.
 */
public final class Tags {
    static final int MAX_LENGTH = 100;
    private static final Pattern TAG = Pattern.compile("[\\p{L}\\p{N}_-]+");
    /** A {@code #word} at the start of the text or after a space or an opening bracket (not inside a URL's fragment). */
    private static final Pattern IN_TEXT = Pattern.compile("(?:^|[\\s(\\[])#([\\p{L}\\p{N}_-]+)");

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
        if (content.get("text") instanceof String text) {
            Matcher matcher = IN_TEXT.matcher(text);
            while (matcher.find()) normalize(matcher.group(1)).ifPresent(tags::add);
        }
        return tags;
    }
}
