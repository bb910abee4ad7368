package io.mqpool.task;

import java.io.PrintStream;
import org.slf4j.Logger;

/**
 * What a running task may know about its call and where it may write.
 *
 * @param jobId the producer's job id
 * @param index the item's index in the job's input
 * @param attempt 1 on the first delivery, higher when the message was redelivered
 * @param workerId the id of the worker running the task
 * @param log a logger for the task's messages, shown in the worker's log
 * @param out the worker's standard output, for tasks that print
 */
public record TaskContext(String jobId, long index, int attempt, String workerId, Logger log, PrintStream out) {
}
