package com.example.wordcount;

import io.mqpool.task.Task;
import io.mqpool.task.TaskContext;

/** {@code word_count}: a text to its number of whitespace-separated words. */
public final class WordCount implements Task<String, Integer> {
    @Override
    public String name() {
        return WordCountTasks.WORD_COUNT.name();
    }

    @Override
    public Class<String> inputType() {
        return String.class;
    }

    @Override
    public Integer apply(String text, TaskContext context) {
        String trimmed = text.strip();
        return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    }
}
