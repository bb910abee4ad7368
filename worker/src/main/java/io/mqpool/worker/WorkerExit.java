package io.mqpool.worker;

import java.util.Objects;

/**
 * Why a worker stopped: its owner closed or aborted it, or it stopped itself because a task thread ignored its
 * interrupt.
 *
 * @param reason why
 * @param runaway the item whose thread would not stop, for {@link Reason#RUNAWAY_TASK}; null otherwise
 */
public record WorkerExit(Reason reason, Runaway runaway) {
    /** What ended the worker. */
    public enum Reason {
        /** {@link Worker#close()} was called. */
        CLOSED,
        /**
         * A task thread was still running an item past its time limit the runaway grace period after its interrupt.
         * The worker stopped taking tasks and finished its other runs; the thread goes on using CPU until its JVM
         * ends, which is the application's to do (the {@code mqpool-worker} command exits 70 and is restarted).
         */
        RUNAWAY_TASK,
        /**
         * {@link Worker#abort()} was called: the worker stopped at once, as if its process had died, and the broker
         * hands the messages it held to other workers.
         */
        ABORTED
    }

    /**
     * An item whose thread ignored its interrupt. Its message was answered already ({@code TIMEOUT} for this item).
     *
     * @param task the task's name
     * @param job the job id
     * @param index the item's index in its job
     */
    public record Runaway(String task, String job, long index) {
        public Runaway {
            Objects.requireNonNull(task, "task");
            Objects.requireNonNull(job, "job");
        }

        @Override
        public String toString() {
            return "item " + index + " of task " + task + " (job " + job + ")";
        }
    }

    public WorkerExit {
        Objects.requireNonNull(reason, "reason");
        if ((reason == Reason.RUNAWAY_TASK) != (runaway != null)) {
            throw new IllegalArgumentException("a runaway item goes with reason RUNAWAY_TASK only, got " + reason
                    + " with " + runaway);
        }
    }

    static WorkerExit closed() {
        return new WorkerExit(Reason.CLOSED, null);
    }

    static WorkerExit aborted() {
        return new WorkerExit(Reason.ABORTED, null);
    }

    static WorkerExit runawayTask(Runaway item) {
        return new WorkerExit(Reason.RUNAWAY_TASK, item);
    }
}
