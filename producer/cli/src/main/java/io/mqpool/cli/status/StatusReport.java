package io.mqpool.cli.status;

import io.mqpool.protocol.JobLedger;
import io.mqpool.protocol.WorkerEvent;
import java.util.List;

/**
 * One picture of the fleet, as {@code mqpool status} prints it.
 *
 * @param at when it was taken, epoch milliseconds
 * @param unackedUnavailable why the unacked counts are missing, or null when the management API gave them
 * @param ignoredEvents events of a newer version skipped
 * @param malformedEvents events that did not decode
 * @param jobs the jobs in flight, as producers announce them on the control stream (PROTOCOL.md §18)
 * @param jobsUnavailable why the jobs are missing (the control stream could not be read), or null
 */
record StatusReport(long at, List<WorkerEvent> workers, List<QueueStatus> queues, String unackedUnavailable,
                    long ignoredEvents, long malformedEvents, List<JobLedger.Entry> jobs, String jobsUnavailable) {
    StatusReport {
        workers = List.copyOf(workers);
        queues = List.copyOf(queues);
        jobs = List.copyOf(jobs);
    }
}
