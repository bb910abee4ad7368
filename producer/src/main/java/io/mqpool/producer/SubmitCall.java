package io.mqpool.producer;

import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.ResultMessage;
import io.mqpool.protocol.TaskMessage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** One {@link Pool#submit} call: completes its future with the first result for its item. */
final class SubmitCall<R> implements ResultSink {
    private final CompletableFuture<R> future;
    private final Function<ItemResult, R> convert;
    private final TaskPublisher publisher;
    private final ScheduledExecutorService timer;

    SubmitCall(CompletableFuture<R> future, Function<ItemResult, R> convert, TaskPublisher publisher,
               ScheduledExecutorService timer) {
        this.future = future;
        this.convert = convert;
        this.publisher = publisher;
        this.timer = timer;
    }

    @Override
    public void deliver(ResultMessage message) {
        if (message.results().isEmpty()) {
            future.completeExceptionally(new IllegalStateException("a worker could not read the task message: "
                    + (message.error() == null ? "no results" : message.error().summary())));
            return;
        }
        try {
            future.complete(convert.apply(message.results().get(0)));
        } catch (RuntimeException e) {
            future.completeExceptionally(e);
        }
    }

    @Override
    public void republish(TaskMessage message, int attempt) {
        if (future.isDone()) {
            return;
        }
        timer.schedule(() -> {
            if (future.isDone()) {
                return;
            }
            try {
                publisher.publish(this, message, attempt + 1);
            } catch (RuntimeException e) {
                future.completeExceptionally(e);
            }
        }, Backoff.delayMillis(attempt), TimeUnit.MILLISECONDS);
    }

    @Override
    public void fail(RuntimeException cause) {
        future.completeExceptionally(cause);
    }
}
