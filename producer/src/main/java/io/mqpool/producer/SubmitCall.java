package io.mqpool.producer;

import io.mqpool.MqpoolException;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.ResultMessage;
import io.mqpool.protocol.TaskMessage;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * One {@link Pool#submit} call: completes its future with the first result for its item. The future completes
 * on the pool's callback executor, never on a connection thread, so that a caller's blocking stage cannot stall
 * the results of other calls.
 */
final class SubmitCall<R> implements ResultSink {
    private final CompletableFuture<R> future;
    private final Function<ItemResult, R> convert;
    private final TaskSender sender;
    private final Executor callbacks;
    private final ScheduledExecutorService timer;
    private final String traceparent;

    SubmitCall(CompletableFuture<R> future, Function<ItemResult, R> convert, TaskSender sender, Executor callbacks,
               ScheduledExecutorService timer) {
        this(future, convert, sender, callbacks, timer, null);
    }

    /** @param traceparent what the call's task message carries as its {@code traceparent} header, or null */
    SubmitCall(CompletableFuture<R> future, Function<ItemResult, R> convert, TaskSender sender, Executor callbacks,
               ScheduledExecutorService timer, String traceparent) {
        this.traceparent = traceparent;
        this.future = future;
        this.convert = convert;
        this.sender = sender;
        this.callbacks = callbacks;
        this.timer = timer;
    }

    /** Fails the future with a {@link TimeoutException} unless it completes within {@code timeout}. */
    void timeOutAfter(Duration timeout) {
        ScheduledFuture<?> scheduled = timer.schedule(
                () -> failWith(new TimeoutException("submit timed out after " + timeout)),
                timeout.toMillis(), TimeUnit.MILLISECONDS);
        future.whenComplete((r, e) -> scheduled.cancel(false));
    }

    @Override
    public String traceparent() {
        return traceparent;
    }

    @Override
    public void deliver(ResultMessage message) {
        if (message.results().isEmpty()) {
            fail(new MqpoolException("a worker could not read the task message: "
                    + (message.error() == null ? "no results" : message.error().summary())));
            return;
        }
        ItemResult result = message.results().get(0);
        complete(() -> future.complete(convert.apply(result)));
    }

    @Override
    public void republish(TaskMessage message, int attempt) {
        if (future.isDone()) {
            return;
        }
        // Sent from a callback thread, not the timer: a publish may wait for room in the publisher's window, and
        // the timer times out other calls meanwhile.
        timer.schedule(() -> complete(() -> {
            if (!future.isDone()) {
                sender.send(this, message, attempt + 1);
            }
        }), Backoff.delayMillis(attempt), TimeUnit.MILLISECONDS);
    }

    @Override
    public void fail(RuntimeException cause) {
        failWith(cause);
    }

    private void failWith(Throwable cause) {
        complete(() -> future.completeExceptionally(cause));
    }

    private void complete(Runnable completion) {
        Runnable guarded = () -> {
            try {
                completion.run();
            } catch (RuntimeException e) {
                future.completeExceptionally(e);
            }
        };
        try {
            callbacks.execute(guarded);
        } catch (RejectedExecutionException e) {
            guarded.run(); // the pool is closed: no other call's results are left to stall
        }
    }
}
