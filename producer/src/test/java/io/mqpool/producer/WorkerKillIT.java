package io.mqpool.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqpool.config.ConnectionSettings;
import io.mqpool.testing.RawClient;
import io.mqpool.testing.TestBroker;
import io.mqpool.testing.WorkerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A worker SIGKILLed mid-job: its unacknowledged tasks are redelivered and the output is still complete. */
@Timeout(180)
class WorkerKillIT {
    @Test
    void jobCompletesInOrderWhenAWorkerIsKilledMidJob() throws Exception {
        String queue = TestBroker.uniqueName("it.kill");
        List<WorkerProcess> workers = new ArrayList<>();
        try {
            for (int k = 0; k < 3; k++) {
                workers.add(WorkerProcess.start(TestBroker.url(), queue, "--concurrency", "2"));
            }
            for (WorkerProcess w : workers) {
                w.awaitReady(Duration.ofSeconds(60));
            }
            List<Long> input = LongStream.range(0, 600).boxed().toList();
            List<Long> out = new ArrayList<>();
            try (Pool pool = Pool.create(PoolSettings.of(ConnectionSettings.of(TestBroker.url())).withQueue(queue));
                 Stream<Long> results = pool.imap("sleep", input.stream().map(i -> 10L + i % 3).toList(), Long.class,
                         JobOptions.DEFAULTS.withChunkSize(2))) {
                Iterator<Long> it = results.iterator();
                while (it.hasNext()) {
                    out.add(it.next());
                    if (out.size() == 100) {
                        workers.get(0).kill();
                        assertThat(workers.get(0).waitForExit(Duration.ofSeconds(10))).isNotZero();
                    }
                }
            }
            assertThat(out).hasSize(600);
            assertThat(out).isEqualTo(input.stream().map(i -> 10L + i % 3).toList());
            try (RawClient client = new RawClient()) {
                assertThat(client.ready(queue)).isZero();
                assertThat(client.ready(queue + ".dead")).isZero();
            }
        } finally {
            for (WorkerProcess w : workers) {
                w.close();
            }
            try (RawClient client = new RawClient()) {
                client.deleteTaskQueues(queue);
            }
        }
    }
}
