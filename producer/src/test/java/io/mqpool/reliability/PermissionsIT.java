package io.mqpool.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.mqpool.amqp.BrokerUnavailableException;
import io.mqpool.producer.JobOptions;
import io.mqpool.producer.Pool;
import io.mqpool.testing.WorkerProcess;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Row H3 of docs/RELIABILITY.md: separate RabbitMQ users for producer and worker, in two virtual hosts. Every
 * permission denial must be a clear error within a few seconds, never a hang.
 */
@Timeout(300)
class PermissionsIT {
    private static final Duration CLEAR_ERROR_WITHIN = Duration.ofSeconds(10);
    private static final String VHOST_A = "rel-a";
    private static final String VHOST_B = "rel-b";
    private static final String QUEUE = "rel.h3.tasks";
    private static final String Q = "rel\\.h3\\.tasks";
    @PrivateNode
    static PrivateBroker broker;

    @BeforeAll
    static void createVhostsAndUsers() {
        broker.ctl("add_vhost", VHOST_A);
        broker.ctl("add_vhost", VHOST_B);
        broker.ctl("set_permissions", "-p", VHOST_A, "guest", ".*", ".*", ".*");
        // The producer declares the task queue and its own result queue, publishes tasks, reads results.
        user("rel-producer", VHOST_A, "^(" + Q + ".*|mqpool\\.results\\..*)$", ".*", "^(" + Q + ".*|mqpool\\.results\\..*)$");
        // The worker declares and reads the task queue, and publishes results through the default exchange.
        user("rel-worker", VHOST_A, "^" + Q + ".*$", "^amq\\.default$", "^" + Q + ".*$");
        // Denials, one each.
        user("rel-noconf", VHOST_A, "^mqpool\\.results\\..*$", ".*", ".*");
        user("rel-nowrite", VHOST_A, ".*", "^$", ".*");
        user("rel-worker-noread", VHOST_A, ".*", ".*", "^$");
        user("rel-worker-nowrite", VHOST_A, ".*", "^$", ".*");
        broker.ctl("add_user", "rel-nowhere", "secret-nowhere");
    }

    private static void user(String name, String vhost, String configure, String write, String read) {
        broker.ctl("add_user", name, "secret-" + name);
        broker.ctl("set_permissions", "-p", vhost, name, configure, write, read);
    }

    private static String url(String user, String vhost) {
        return broker.url(user, "secret-" + user, vhost);
    }

    @Test
    @Timeout(120)
    void h3SeparateProducerAndWorkerUsersRunAJob() throws Exception {
        int n = 200;
        try (WorkerFleet fleet = WorkerFleet.start(2, url("rel-worker", VHOST_A), QUEUE,
                "--concurrency", "2", "--heartbeat", "5s")) {
            JobDriver.Run run;
            String poolId;
            try (Pool pool = Rows.pool(url("rel-producer", VHOST_A), QUEUE)) {
                poolId = pool.id();
                run = JobDriver.run(pool, "cube", n, i -> i, JobOptions.DEFAULTS.withChunkSize(5));
            }
            InvariantChecker.row("H3", n).values(i -> i * i * i).maxDupExec(0).maxWall(Duration.ofSeconds(30))
                    .check(run, fleet, new Hygiene(broker, VHOST_A, QUEUE, poolId, 2, 2,
                            1)); // these users may not read mqpool.control: no reader connections
        }
    }

    @Test
    void h3ProducerWithWrongPasswordIsRefusedClearly() {
        assertTimeoutPreemptively(CLEAR_ERROR_WITHIN, () -> assertThatThrownBy(() ->
                Rows.pool(broker.url("rel-producer", "wrong-password", VHOST_A), QUEUE).close())
                .isInstanceOfSatisfying(BrokerUnavailableException.class,
                        e -> assertThat(e.reason()).isEqualTo(BrokerUnavailableException.Reason.AUTHENTICATION))
                .hasMessageContaining("rel-producer")
                .hasMessageNotContaining("wrong-password"));
    }

    @Test
    void h3ProducerInAForeignVhostIsRefusedClearly() {
        assertTimeoutPreemptively(CLEAR_ERROR_WITHIN, () -> assertThatThrownBy(() ->
                Rows.pool(url("rel-producer", VHOST_B), QUEUE).close())
                .isInstanceOfSatisfying(BrokerUnavailableException.class,
                        e -> assertThat(e.reason()).isEqualTo(BrokerUnavailableException.Reason.ACCESS_REFUSED))
                .hasMessageContaining(VHOST_B));
    }

    /** A task queue family that does not exist yet must be declared, which needs configure permission. */
    @Test
    void h3ProducerThatCannotDeclareTheTaskQueueFailsClearly() {
        String missing = QUEUE + ".missing";
        assertTimeoutPreemptively(CLEAR_ERROR_WITHIN, () -> assertThatThrownBy(() ->
                Rows.pool(url("rel-noconf", VHOST_A), missing).close())
                .isInstanceOf(BrokerUnavailableException.class)
                .hasMessageContaining("ACCESS_REFUSED"));
    }

    /** An existing task queue family is used as it is: a passive declare needs no permission. */
    @Test
    void h3ProducerWithoutConfigurePermissionUsesExistingQueues() throws Exception {
        try (WorkerFleet fleet = WorkerFleet.start(1, url("rel-worker", VHOST_A), QUEUE, "--heartbeat", "5s");
             Pool pool = Rows.pool(url("rel-noconf", VHOST_A), QUEUE)) {
            assertThat(pool.map("cube", java.util.List.of(1, 2, 3), Long.class)).containsExactly(1L, 8L, 27L);
        }
    }

    @Test
    void h3ProducerThatCannotPublishFailsClearly() throws Exception {
        try (WorkerFleet fleet = WorkerFleet.start(1, url("rel-worker", VHOST_A), QUEUE, "--heartbeat", "5s");
             Pool pool = Rows.pool(url("rel-nowrite", VHOST_A), QUEUE)) {
            assertTimeoutPreemptively(CLEAR_ERROR_WITHIN, () -> assertThatThrownBy(() ->
                    pool.map("cube", List.of(1, 2, 3), Long.class))
                    .hasMessageContaining("ACCESS_REFUSED"));
        }
    }

    @Test
    void h3WorkerWithWrongPasswordExitsClearly() throws Exception {
        assertWorkerRefused(broker.url("rel-worker", "wrong-password", VHOST_A), 3, "refused the credentials");
    }

    @Test
    void h3WorkerInAForeignVhostExitsClearly() throws Exception {
        assertWorkerRefused(url("rel-worker", VHOST_B), 3, "refused access to virtual host");
    }

    @Test
    void h3WorkerThatCannotReadTheTaskQueueExitsClearly() throws Exception {
        assertWorkerRefused(url("rel-worker-noread", VHOST_A), 3, "ACCESS_REFUSED");
    }

    private static void assertWorkerRefused(String url, int exitCode, String message) throws Exception {
        try (WorkerProcess w = WorkerProcess.start(url, QUEUE, "--heartbeat", "5s")) {
            assertThat(w.waitForExit(CLEAR_ERROR_WITHIN)).as(w.output()).isEqualTo(exitCode);
            assertThat(w.output()).contains(message).doesNotContain("secret-").doesNotContain("wrong-password");
        }
    }

    /** A worker that may not publish results is refused when it sets up, before it takes any task. */
    @Test
    void h3WorkerThatCannotPublishResultsExitsClearly() throws Exception {
        assertWorkerRefused(url("rel-worker-nowrite", VHOST_A), 3, "ACCESS_REFUSED");
    }
}
