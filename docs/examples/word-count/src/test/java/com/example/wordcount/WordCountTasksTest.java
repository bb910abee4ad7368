package com.example.wordcount;

import static com.example.wordcount.WordCountTasks.FLAKY_SQUARE;
import static com.example.wordcount.WordCountTasks.KEYWORDS;
import static com.example.wordcount.WordCountTasks.WORD_COUNT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mqpool.producer.JobOptions;
import io.mqpool.producer.TaskFailedException;
import io.mqpool.testkit.DirectMode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The tasks in direct mode: in this JVM, through mqpool's codec, with no broker. */
class WordCountTasksTest {
    @RegisterExtension
    static final DirectMode tasks = DirectMode.of(new WordCount(), new FlakySquare(),
            new Keywords(new StopWords(Set.of("the", "a"))));

    @Test
    void countsWhitespaceSeparatedWords() {
        assertEquals(List.of(2, 1, 0, 3), tasks.map(WORD_COUNT, List.of("a b", "c", "  ", " one\ttwo\nthree ")));
    }

    @Test
    void flakySquareSucceedsOnItsThirdAttempt() {
        assertEquals(List.of(1L, 4L, 9L), tasks.map(FLAKY_SQUARE, List.of(1L, 2L, 3L)));
    }

    @Test
    void flakySquareWithOneAttemptFailsAndSaysSo() {
        TaskFailedException e = assertThrows(TaskFailedException.class,
                () -> tasks.map(FLAKY_SQUARE, List.of(4L), JobOptions.DEFAULTS.withMaxAttempts(1)));
        assertEquals("TASK_ERROR", e.error().code());
        assertTrue(e.getMessage().contains("(after 1 attempt)"), e.getMessage());
    }

    @Test
    void keywordsUseTheStopWordsGivenToTheConstructor() {
        assertEquals(List.of("cat", "sat", "mat"), tasks.call(KEYWORDS, "The cat sat; the cat, a mat"));
    }

    @Test
    void aNumberIsNotAText() {
        TaskFailedException e = assertThrows(TaskFailedException.class,
                () -> tasks.call("word_count", Integer.class, List.of(1, 2)));
        assertEquals("BAD_ARGUMENTS", e.error().code());
    }
}
