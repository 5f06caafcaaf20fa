package org.conch.feed.social;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/** The words of a text as search compares them: runs of letters and digits, lower-cased, each once. */
final class Words {
    private Words() {
    }

    static Set<String> of(String original, int minLength, int max) {
        String text = original.toLowerCase(Locale.ROOT); // once for the whole text, not once a word
        Set<String> words = new LinkedHashSet<>();
        int start = -1;
        for (int i = 0; i <= text.length() && words.size() < max; i++) {
            boolean inWord = i < text.length() && Character.isLetterOrDigit(text.charAt(i));
            if (inWord && start < 0) start = i;
            if (!inWord && start >= 0) {
                if (i - start >= minLength) words.add(text.substring(start, i));
                start = -1;
            }
        }
        return words;
    }
}
