package io.mqpool.reliability;

import io.mqpool.amqp.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;

/**
 * What the broker side of a row must look like once its pool has closed: queues drained, the pool's result queue
 * and connections gone, each live worker consuming on its own connection, and the dead-lettered count expected.
 *
 * @param workers the workers still running, each with {@code connectionsPerWorker} connections; no other
 *     connection may be left
 * @param connectionsPerWorker {@value #CONNECTIONS_PER_WORKER} (its own and its control-stream reader's), or 1
 *     for a worker whose user may not read the control stream
 */
public record Hygiene(PrivateBroker broker, String vhost, String taskQueue, String poolId, int workers,
                      int expectedConsumers, int connectionsPerWorker) {
    public static final int CONNECTIONS_PER_WORKER = 2;
    /** How a worker's own connection's client-provided name starts. */
    public static final String WORKER_CONNECTION = "mqpool-worker ";
    /** How a worker's control-stream reader's connection's name starts. */
    static final String READER_CONNECTION = "mqpool-worker-control ";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    public Hygiene(PrivateBroker broker, String vhost, String taskQueue, String poolId, int workers,
                   int expectedConsumers) {
        this(broker, vhost, taskQueue, poolId, workers, expectedConsumers, CONNECTIONS_PER_WORKER);
    }

    /**
     * Hygiene settles after the pool closed: polls until it is clean or the timeout passes, then adds what is still
     * wrong to {@code breaches}.
     *
     * @return the messages the dead-letter and parking queues hold, or -1 when the broker did not answer
     */
    long check(long expectedDeadLettered, List<String> breaches) {
        AtomicReference<State> last = new AtomicReference<>();
        try {
            Rows.poll("broker hygiene of " + taskQueue, TIMEOUT, Duration.ofMillis(500)).until(() -> {
                State state = state(expectedDeadLettered);
                last.set(state);
                return state.problems().isEmpty();
            });
        } catch (ConditionTimeoutException e) {
            // The last state's problems are the breaches.
        }
        State state = last.get();
        if (state == null) {
            breaches.add("hygiene after " + TIMEOUT.toSeconds() + " s: the broker did not answer");
            return -1;
        }
        for (String p : state.problems()) {
            breaches.add("hygiene after " + TIMEOUT.toSeconds() + " s: " + p);
        }
        return state.deadLettered();
    }

    /** What is still wrong on the broker, and the dead-lettered count. */
    private record State(List<String> problems, long deadLettered) {
    }

    private State state(long expectedDeadLettered) {
        List<String> problems = new ArrayList<>();
        Map<String, PrivateBroker.QueueStats> queues = broker.queues(vhost);
        checkTaskQueues(queues, problems);
        String resultQueue = Topology.resultQueue(poolId);
        if (queues.containsKey(resultQueue)) {
            problems.add("result queue " + resultQueue + " still exists after the pool closed");
        }
        // Dead-lettered messages are relayed to their producer, or parked when no one can be answered.
        long dlq = 0;
        for (String q : List.of(Topology.deadLetterQueue(taskQueue), Topology.parkingQueue(taskQueue))) {
            PrivateBroker.QueueStats dq = queues.get(q);
            dlq += dq == null ? 0 : dq.ready() + dq.unacked();
        }
        if (dlq != expectedDeadLettered) {
            problems.add("dead-letter and parking queues hold " + dlq + ", expected " + expectedDeadLettered);
        }
        checkConnections(problems);
        return new State(problems, dlq);
    }

    private void checkTaskQueues(Map<String, PrivateBroker.QueueStats> queues, List<String> problems) {
        PrivateBroker.QueueStats task = queues.get(taskQueue);
        if (task == null) {
            problems.add("task queue " + taskQueue + " is missing");
        } else {
            if (task.ready() != 0 || task.unacked() != 0) {
                problems.add("task queue has ready=" + task.ready() + " unacked=" + task.unacked());
            }
            if (task.consumers() != expectedConsumers) {
                problems.add("task queue has " + task.consumers() + " consumers, expected "
                        + expectedConsumers + " (live workers)");
            }
        }
        PrivateBroker.QueueStats solo = queues.get(Topology.soloQueue(taskQueue));
        if (solo != null && (solo.ready() != 0 || solo.unacked() != 0)) {
            problems.add("solo queue has ready=" + solo.ready() + " unacked=" + solo.unacked());
        }
        for (Map.Entry<String, PrivateBroker.QueueStats> q : queues.entrySet()) {
            if (q.getKey().startsWith(taskQueue + ".retry.") && (q.getValue().ready() != 0
                    || q.getValue().unacked() != 0)) {
                problems.add("retry queue " + q.getKey() + " has ready=" + q.getValue().ready());
            }
        }
    }

    /**
     * No connection of the pool may be left, and each worker keeps its own. Its control-stream reader's may be
     * missing for a while: after K4's 30 s cut, one had not come back 30 s later (seen in CI).
     */
    private void checkConnections(List<String> problems) {
        List<String> names = broker.connectionNames();
        long own = names.stream().filter(n -> n.startsWith(WORKER_CONNECTION)).count();
        long readers = names.stream().filter(n -> n.startsWith(READER_CONNECTION)).count();
        long maxReaders = (long) workers * (connectionsPerWorker - 1);
        if (own != workers || readers > maxReaders || names.size() != own + readers) {
            problems.add(names.size() + " connections " + names + ", expected " + workers
                    + " workers' own and at most " + maxReaders + " control-stream readers");
        }
    }
}
