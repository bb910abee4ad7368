package io.mqpool.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqpool.task.Task;
import io.mqpool.task.TaskContext;
import io.mqpool.task.TaskRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.awaitility.Awaitility;
import io.mqpool.testing.HookedTask;
import org.junit.jupiter.api.Test;

/** The initializer, each task's open and close, and the close hook: order, once each, and failures. */
class TaskLifecycleTest {
    private final List<String> events = new CopyOnWriteArrayList<>();

    /** A task that records its open and close, and can be made to fail either. */
    private HookedTask recording(String name, boolean failOpen, boolean failClose) {
        return new HookedTask(name, () -> {
            events.add("open " + name);
            if (failOpen) {
                throw new IllegalStateException("no database at db:5432");
            }
        }, () -> {
            events.add("close " + name);
            if (failClose) {
                throw new java.io.IOException("close failed");
            }
        });
    }

    @Test
    void theInitializerRunsFirstThenTasksOpenAndAtCloseTasksCloseLastFirstThenTheHook() {
        TaskLifecycle lifecycle = new TaskLifecycle(TaskRegistry.of(recording("a", false, true),
                recording("b", false, false)), () -> events.add("init"), () -> events.add("hook"), "w1");
        lifecycle.open();
        lifecycle.close();
        lifecycle.close();
        assertThat(events).containsExactly("init", "open a", "open b", "close b", "close a", "hook");
    }

    @Test
    void aFailingInitializerOpensNoTaskAndNamesItsCause() {
        TaskLifecycle lifecycle = new TaskLifecycle(TaskRegistry.of(recording("a", false, false)), () -> {
            throw new java.sql.SQLException("connection refused");
        }, () -> events.add("hook"), "w1");
        assertThatThrownBy(lifecycle::open).isInstanceOf(WorkerStartException.class)
                .hasMessage("the initializer of worker w1 failed: java.sql.SQLException: connection refused");
        lifecycle.close();
        assertThat(events).as("no task opened, so none closes; the hook runs").containsExactly("hook");
    }

    @Test
    void aTaskThatFailsToOpenStopsTheStartAndOnlyOpenedTasksClose() {
        TaskLifecycle lifecycle = new TaskLifecycle(TaskRegistry.of(recording("a", false, false),
                recording("b", true, false), recording("c", false, false)), null, null, "w1");
        assertThatThrownBy(lifecycle::open).isInstanceOf(WorkerStartException.class)
                .hasMessage("task b failed to open: java.lang.IllegalStateException: no database at db:5432");
        lifecycle.close();
        assertThat(events).containsExactly("open a", "open b", "close a");
    }

    @Test
    void aClosedLifecycleDoesNotOpen() {
        TaskLifecycle lifecycle = new TaskLifecycle(TaskRegistry.of(recording("a", false, false)), null, null, "w1");
        lifecycle.close();
        assertThatThrownBy(lifecycle::open).isInstanceOf(WorkerStartException.class)
                .hasMessage("worker w1 was closed before it started");
        assertThat(events).isEmpty();
    }

    /** The initializer runs before the worker connects: a worker whose initializer fails never reaches the broker. */
    @Test
    void aWorkerWhoseInitializerFailsDoesNotStartAndSaysWhy() throws Exception {
        try (Worker worker = Worker.builder().url("amqp://127.0.0.1:1").workerId("w9").startupTimeout(Duration.ofSeconds(1))
                .task(recording("a", false, false))
                .initializer(() -> {
                    throw new IllegalStateException("missing API key");
                }).onClose(() -> events.add("hook")).build()) {
            assertThatThrownBy(worker::start).isInstanceOf(WorkerStartException.class)
                    .hasMessage("the initializer of worker w9 failed: java.lang.IllegalStateException: missing API key");
            assertThatThrownBy(() -> worker.awaitReady(Duration.ofSeconds(1))).isInstanceOf(WorkerStartException.class);
            assertThatThrownBy(worker::start).isInstanceOf(IllegalStateException.class).hasMessage("worker w9 already started");
        }
        assertThat(events).containsExactly("hook");
    }

    @Test
    void startAsyncReportsTheFailureThroughItsFutureAndAwaitReady() throws Exception {
        try (Worker worker = Worker.builder().url("amqp://127.0.0.1:1").workerId("w8").task(recording("a", true, false))
                .build()) {
            CompletableFuture<Void> started = worker.startAsync();
            assertThatThrownBy(() -> worker.awaitReady(Duration.ofSeconds(10))).isInstanceOf(WorkerStartException.class)
                    .hasMessageContaining("task a failed to open");
            assertThatThrownBy(started::get).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(WorkerStartException.class);
        }
    }

    @Test
    void closeGivesUpAStartThatWaitsForTheBroker() throws Exception {
        Worker worker = Worker.builder().url("amqp://127.0.0.1:1").workerId("w7").task(recording("a", false, false))
                .build();
        CompletableFuture<Void> started = worker.startAsync();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("open a"));
        assertThat(worker.awaitReady(Duration.ofMillis(1))).isFalse();
        worker.close();
        assertThatThrownBy(() -> started.get()).hasCauseInstanceOf(WorkerStartException.class);
        assertThat(worker.awaitReady(Duration.ofSeconds(1))).isFalse();
        assertThat(events).containsExactly("open a", "close a");
    }
}
