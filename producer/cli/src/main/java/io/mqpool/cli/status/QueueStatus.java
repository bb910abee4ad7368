package io.mqpool.cli.status;

/**
 * The figures of one task queue and its companions. A count is null when it is unknown: the queue does not exist,
 * or (for {@code unacked}) the management API did not answer.
 *
 * @param ready messages ready in the task queue
 * @param unacked messages delivered to workers and not yet acknowledged, from the management API
 * @param consumers consumers of the task queue
 * @param solo messages waiting in {@code <queue>.solo} to run alone
 * @param retrying messages waiting in the retry queues {@code <queue>.retry.<ms>}
 * @param dead messages in {@code <queue>.dead}, waiting for a worker's dead-letter relay
 * @param parked messages in {@code <queue>.parked}, waiting for an operator
 */
record QueueStatus(String queue, boolean exists, Long ready, Long unacked, Long consumers, Long solo, Long retrying,
                   Long dead, Long parked) {
    static QueueStatus missing(String queue) {
        return new QueueStatus(queue, false, null, null, null, null, null, null, null);
    }
}
