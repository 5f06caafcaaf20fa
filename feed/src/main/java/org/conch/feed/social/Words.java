package org.conch.feed.social;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/** The words of a text as search compares them: runs of letters and digits, lower-cased. */
final class Words {
    private Words() {
    }

    /** The distinct words of {@code text} in order, at most {@code max} of them. */
    static Set<String> of(String text, int minLength, int max) {
        Set<String> words = new LinkedHashSet<>();
        forEach(text, minLength, word -> {
            words.add(word);
            return words.size() < max;
        });
        return words;
    }

    /**
     * Hands each word of {@code original} to {@code action}, repeats included, until it returns false.
     * The index adds a post's words this way, with no set of them built first (one a post, on the
     * receive path).
     *
     * @return false when {@code action} stopped it
     */
    static boolean forEach(String original, int minLength, Predicate<String> action) {
        String text = original.toLowerCase(Locale.ROOT); // once for the whole text, not once a word
        int start = -1;
        for (int i = 0; i <= text.length(); i++) {
            boolean inWord = i < text.length() && Character.isLetterOrDigit(text.charAt(i));
            if (inWord && start < 0) start = i;
            if (!inWord && start >= 0) {
                if (i - start >= minLength && !action.test(text.substring(start, i))) return false;
                start = -1;
            }
        }
        return true;
    }
}
