package io.mqpool.producer;

import io.mqpool.protocol.ResultMessage;
import io.mqpool.protocol.TaskMessage;
import java.util.ArrayList;
import java.util.List;

/** A {@link ResultSink} that records what reaches it. */
final class RecordingSink implements ResultSink {
    record Republish(TaskMessage message, int attempt) {
    }

    final List<ResultMessage> delivered = new ArrayList<>();
    final List<Republish> republished = new ArrayList<>();
    final List<long[]> markers = new ArrayList<>();
    final List<RuntimeException> failures = new ArrayList<>();

    @Override
    public void deliver(ResultMessage message) {
        delivered.add(message);
    }

    @Override
    public void republish(TaskMessage message, int attempt) {
        republished.add(new Republish(message, attempt));
    }

    @Override
    public void published(long[] indices) {
        markers.add(indices);
    }

    @Override
    public void fail(RuntimeException cause) {
        failures.add(cause);
    }
}
