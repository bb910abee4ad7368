package com.example.wordcount;

import java.util.Locale;
import java.util.Set;

/**
 * The words that carry no meaning of their own: the dependency that {@link Keywords} takes through its
 * constructor (in a real service: loaded from configuration, a database, a file).
 */
public record StopWords(Set<String> words) {
    public StopWords {
        words = Set.copyOf(words);
    }

    public static StopWords english() {
        return new StopWords(Set.of("a", "an", "and", "are", "in", "is", "it", "of", "on", "or", "the", "to"));
    }

    public boolean contains(String word) {
        return words.contains(word.toLowerCase(Locale.ROOT));
    }
}
