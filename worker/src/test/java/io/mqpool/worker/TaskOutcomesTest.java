package io.mqpool.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mqpool.protocol.ErrorCode;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.RemoteError;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The one recorder of task outcomes: the counts of the events, and the meters, with bounded tags. */
class TaskOutcomesTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicLong clock = new AtomicLong(1_000);
    private final TaskOutcomes outcomes = new TaskOutcomes(registry, Set.of("cube", "flaky")::contains, clock::get);

    private static ItemResult failed(long i, String code, String type) {
        return ItemResult.failed(i, new RemoteError(code, type, "boom", null));
    }

    @Test
    void answersAreCountedByOutcomeAndTaggedByTaskAndException() {
        outcomes.answered("cube", List.of(ItemResult.ok(0, IntNode.valueOf(1)), ItemResult.ok(1, IntNode.valueOf(8)),
                failed(2, "TASK_ERROR", "java.lang.ArithmeticException"),
                failed(3, "TASK_ERROR", "io.mqpool.testtasks.FlakySquare$TransientFailure"),
                failed(4, ErrorCode.TIMEOUT.name(), null), failed(5, ErrorCode.BAD_ARGUMENTS.name(),
                        "io.mqpool.task.BadArgumentsException")));
        outcomes.retried("flaky", 3);

        assertThat(outcomes.snapshot()).isEqualTo(new TaskOutcomes.Snapshot(0, 6, 4, 3));
        assertThat(registry.get("mqpool.tasks.completed").tag("task", "cube").counter().count()).isEqualTo(2);
        assertThat(registry.get("mqpool.tasks.failed").tag("exception", "ArithmeticException").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("mqpool.tasks.failed").tag("exception", "TransientFailure").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("mqpool.tasks.failed").tag("exception", "TIMEOUT").counter().count()).isEqualTo(1);
        assertThat(registry.get("mqpool.tasks.failed").tag("exception", "BAD_ARGUMENTS").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("mqpool.tasks.timed_out").tag("task", "cube").counter().count()).isEqualTo(1);
        assertThat(registry.get("mqpool.tasks.retried").tag("task", "flaky").counter().count()).isEqualTo(3);
        assertThat(registry.get("mqpool.tasks.processed").functionCounter().count()).isEqualTo(6);
    }

    @Test
    void aTaskNameThisWorkerDoesNotServeIsNeverATag() {
        outcomes.answered("made-up-" + System.nanoTime(), List.of(failed(0, ErrorCode.UNKNOWN_TASK.name(), null)));
        outcomes.answered(null, List.of(failed(1, ErrorCode.DELIVERY_LIMIT.name(), null)));

        assertThat(registry.get("mqpool.tasks.failed").tag("task", TaskOutcomes.OTHER).counters()).hasSize(2);
        assertThat(registry.get("mqpool.tasks.dead_lettered").tag("task", TaskOutcomes.OTHER).counter().count())
                .isEqualTo(1);
        assertThat(registry.getMeters()).allSatisfy(m -> assertThat(m.getId().getTag("task"))
                .isIn(null, "cube", "flaky", TaskOutcomes.OTHER));
    }

    @Test
    void exceptionTagsStopAtTheirLimit() {
        for (int k = 0; k < TaskOutcomes.MAX_EXCEPTION_TAGS + 10; k++) {
            outcomes.answered("cube", List.of(failed(k, "TASK_ERROR", "x.E" + k)));
        }
        assertThat(registry.get("mqpool.tasks.failed").counters()).hasSize(TaskOutcomes.MAX_EXCEPTION_TAGS + 1);
        assertThat(registry.get("mqpool.tasks.failed").tag("exception", TaskOutcomes.OTHER).counter().count())
                .isEqualTo(10);
    }

    @Test
    void itemRunsAreTimedByTaskAndCountAsRunningUntilTheyReturn() {
        outcomes.itemStarted();
        outcomes.itemStarted();
        assertThat(outcomes.snapshot().running()).isEqualTo(2);
        assertThat(registry.get("mqpool.items.in_flight").gauge().value()).isEqualTo(2);

        outcomes.itemReturned();
        outcomes.itemTimed("cube", 3_000_000, 4_000);
        outcomes.itemReturned();
        outcomes.itemTimed("cube", 5_000_000, 5_000);

        assertThat(outcomes.snapshot().running()).isZero();
        assertThat(outcomes.lastProgressNanos()).isEqualTo(5_000);
        clock.set(7_000);
        outcomes.consumed("tasks");
        assertThat(outcomes.lastProgressNanos()).as("a message taken reads the clock").isEqualTo(7_000);
        assertThat(registry.get("mqpool.task.duration").tag("task", "cube").timer().count()).isEqualTo(2);
        assertThat(registry.get("mqpool.task.duration").timer().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(8);
        outcomes.itemTimed("unserved", 1_000_000, 6_000);
        outcomes.itemTimed("unserved-too", 1_000_000, 6_000);
        outcomes.itemTimed("cube", 1_000_000, 6_000);
        assertThat(registry.get("mqpool.task.duration").tag("task", TaskOutcomes.OTHER).timer().count()).isEqualTo(2);
        assertThat(registry.get("mqpool.task.duration").tag("task", "cube").timer().count()).isEqualTo(3);
        assertThat(registry.get("mqpool.task.duration").timers()).hasSize(2);
    }

    @Test
    void closeRemovesTheMetersAndKeepsTheCounts() {
        outcomes.consumed("tasks");
        outcomes.answered("cube", List.of(ItemResult.ok(0, IntNode.valueOf(1))));
        assertThat(registry.getMeters()).isNotEmpty();

        outcomes.close();

        assertThat(registry.getMeters()).isEmpty();
        assertThat(outcomes.snapshot().processed()).isEqualTo(1);
    }

    @Test
    void withoutARegistryTheCountsAreKept() {
        TaskOutcomes none = TaskOutcomes.none();
        none.answered("cube", List.of(ItemResult.ok(0, IntNode.valueOf(1)), failed(1, "TIMEOUT", null)));
        none.retried("cube", 2);
        assertThat(none.snapshot()).isEqualTo(new TaskOutcomes.Snapshot(0, 2, 1, 2));
    }
}
