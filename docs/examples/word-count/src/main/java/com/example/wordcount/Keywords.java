package com.example.wordcount;

import io.mqpool.task.Task;
import io.mqpool.task.TaskContext;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * {@code keywords}: a text to its distinct words that are not stop words, in order of first appearance, lower
 * case. Its stop words come through its constructor, so it is registered as an instance ({@link WordCountWorker}),
 * not found by ServiceLoader.
 */
public final class Keywords implements Task<String, List<String>> {
    private final StopWords stopWords;

    public Keywords(StopWords stopWords) {
        this.stopWords = Objects.requireNonNull(stopWords, "stopWords");
    }

    @Override
    public String name() {
        return WordCountTasks.KEYWORDS.name();
    }

    @Override
    public Class<String> inputType() {
        return String.class;
    }

    @Override
    public List<String> apply(String text, TaskContext context) {
        return Arrays.stream(text.split("[^\\p{L}\\p{N}']+"))
                .filter(word -> !word.isEmpty() && !stopWords.contains(word))
                .map(word -> word.toLowerCase(Locale.ROOT))
                .distinct()
                .toList();
    }
}
