package com.example.wordcount;

import com.fasterxml.jackson.core.type.TypeReference;
import io.mqpool.task.TaskRef;
import java.util.List;

/** The typed names of this project's tasks, for producers ({@code pool.map(WORD_COUNT, texts)}) and tests alike. */
public final class WordCountTasks {
    public static final TaskRef<String, Integer> WORD_COUNT = TaskRef.of("word_count", String.class, Integer.class);
    public static final TaskRef<Long, Long> FLAKY_SQUARE = TaskRef.of("flaky_square", Long.class, Long.class);
    public static final TaskRef<String, List<String>> KEYWORDS =
            TaskRef.of("keywords", String.class, new TypeReference<List<String>>() {});

    private WordCountTasks() {
    }
}
