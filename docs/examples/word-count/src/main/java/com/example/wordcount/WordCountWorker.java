package com.example.wordcount;

import io.mqpool.worker.Worker;
import io.mqpool.worker.WorkerExit;
import java.util.List;
import java.util.Objects;

/**
 * An embedded worker of this project's tasks, in an application of its own: the tasks are instances, so
 * {@link Keywords} gets its stop words through its constructor. The broker is {@code $MQPOOL_URL}
 * (default {@code amqp://localhost}).
 *
 * <pre>
 * ./mvnw -f docs/examples/word-count/pom.xml compile exec:java
 * </pre>
 */
public final class WordCountWorker {
    private WordCountWorker() {
    }

    public static void main(String[] args) throws Exception {
        String url = Objects.requireNonNullElse(System.getenv("MQPOOL_URL"), "amqp://localhost");
        Worker worker = Worker.builder()
                .url(url)
                .concurrency(4)
                .workerId("word-count-" + ProcessHandle.current().pid())
                .tasks(List.of(new WordCount(), new FlakySquare(), new Keywords(StopWords.english())))
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "word-count-stop"));
        worker.start();
        WorkerExit exit = worker.terminated().toCompletableFuture().join();
        // A task thread that ignored its interrupt keeps running until the JVM ends: end it, as mqpool-worker does.
        if (exit.reason() == WorkerExit.Reason.RUNAWAY_TASK) {
            System.exit(70);
        }
    }
}
