package io.mqpool.task;

import java.io.PrintStream;
import org.slf4j.Logger;

/**
 * What a running task may know about its call and where it may write.
 *
 * @param jobId the producer's job id
 * @param index the item's index in the job's input
 * @param attempt which run of this item this is, from 1: a retry after a failure counts one more, and so does a
 *     redelivery after a worker died holding the item (so a crash uses up an attempt of the retry policy too)
 * @param workerId the id of the worker running the task
 * @param log a logger for the task's messages, shown in the worker's log
 * @param out the worker's standard output, for tasks that print
 */
public record TaskContext(String jobId, long index, int attempt, String workerId, Logger log, PrintStream out) {
}
