package io.mqpool.producer;

import io.mqpool.protocol.MessageTooLargeException;
import io.mqpool.protocol.TaskItem;
import io.mqpool.protocol.TaskMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A broker-less {@link JobLink}: records what a job publishes and hands its sink to the test. */
final class FakeLink implements JobLink {
    /** One publish. */
    record Sent(ResultSink sink, TaskMessage message, int attempt) {
        List<Long> indices() {
            return message.items().stream().map(TaskItem::i).toList();
        }
    }

    final List<Sent> sent = new ArrayList<>();
    long priorMessages;
    int cancels;
    ResultSink sink;
    Predicate<TaskMessage> tooLarge = m -> false;

    @Override
    public Registration register(String jobId, ResultSink sink) {
        this.sink = sink;
        return new Registration(priorMessages, () -> cancels++);
    }

    @Override
    public void send(ResultSink sink, TaskMessage message, int attempt) {
        if (tooLarge.test(message)) {
            throw new MessageTooLargeException("task message", 2, 1);
        }
        sent.add(new Sent(sink, message, attempt));
    }

    /** Every item index published so far, in publishing order. */
    List<Long> publishedIndices() {
        return sent.stream().flatMap(s -> s.indices().stream()).toList();
    }
}
