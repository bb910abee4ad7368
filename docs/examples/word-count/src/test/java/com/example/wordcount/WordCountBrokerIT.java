package com.example.wordcount;

import static com.example.wordcount.WordCountTasks.FLAKY_SQUARE;
import static com.example.wordcount.WordCountTasks.KEYWORDS;
import static com.example.wordcount.WordCountTasks.WORD_COUNT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mqpool.testkit.BrokerMode;
import io.mqpool.producer.JobOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The tasks in broker mode: a Pool and an embedded worker on a real RabbitMQ (a Testcontainers one when Docker is
 * up, else $MQPOOL_TEST_URL or the local one).
 */
class WordCountBrokerIT {
    @RegisterExtension
    static final BrokerMode broker = BrokerMode.of(new WordCount(), new FlakySquare(), new Keywords(StopWords.english()))
            .configureWorker(worker -> worker.concurrency(2));

    @Test
    void mapsOverTheBroker() {
        assertEquals(List.of(2, 1), broker.pool().map(WORD_COUNT, List.of("a b", "c")));
        assertEquals(List.of("quick", "fox"), broker.pool().map(KEYWORDS, List.of("the quick fox")).get(0));
    }

    @Test
    void retriesGoThroughTheBrokerAndKeepTheOrder() {
        List<Long> items = LongStream.rangeClosed(1, 5).boxed().toList();
        assertEquals(items.stream().map(n -> n * n).toList(), broker.pool().map(FLAKY_SQUARE, items));
    }

    @Test
    void aWorkerKilledMidJobLosesNothing() throws Exception {
        List<Long> items = LongStream.rangeClosed(1, 40).boxed().toList();
        List<Long> squares = new ArrayList<>();
        try (Stream<Long> results = broker.pool().imap(FLAKY_SQUARE, items, JobOptions.DEFAULTS.withChunkSize(1))) {
            Iterator<Long> it = results.iterator();
            while (it.hasNext()) {
                squares.add(it.next());
                if (squares.size() == 5) {
                    broker.killWorker();  // mid-job: the rest is still running, retrying or queued
                }
            }
        }
        assertEquals(items.stream().map(n -> n * n).toList(), squares);
        broker.awaitIdle(Duration.ofSeconds(30));
    }
}
