package io.mqpool.producer;

import io.mqpool.protocol.TaskMessage;

/** Publishes a job's task messages; the confirm's outcome (a refusal, a loss) goes to {@code sink}. */
@FunctionalInterface
interface TaskSender {
    /**
     * @param attempt 1 for the first publish of this message, then one more per republish
     * @throws io.mqpool.protocol.MessageTooLargeException when the message exceeds the size limit; nothing was sent
     */
    void send(ResultSink sink, TaskMessage message, int attempt);
}
