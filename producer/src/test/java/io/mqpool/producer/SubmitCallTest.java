package io.mqpool.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.mqpool.protocol.ErrorCode;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.Protocol;
import io.mqpool.protocol.RemoteError;
import io.mqpool.protocol.ResultMessage;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A submit's future completes on the pool's callback executor, never on the thread that delivered the result. */
class SubmitCallTest {
    /** Runs nothing until the test says so. */
    private static final class QueuedExecutor implements Executor {
        final ArrayDeque<Runnable> queued = new ArrayDeque<>();

        @Override
        public void execute(Runnable command) {
            queued.add(command);
        }

        void runAll() {
            while (!queued.isEmpty()) {
                queued.poll().run();
            }
        }
    }

    private final QueuedExecutor callbacks = new QueuedExecutor();
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private final CompletableFuture<Long> future = new CompletableFuture<>();
    private final ResultConverter converter = new ResultConverter(io.mqpool.protocol.Codec.defaults().mapper());
    private final SubmitCall<Long> call = new SubmitCall<>(future, r -> converter.toOutcome(r, Long.class).get(),
            new FakeLink(), callbacks, timer);

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @Test
    void resultCompletesTheFutureOnTheCallbackExecutor() {
        AtomicReference<Thread> stageThread = new AtomicReference<>();
        future.thenApply(v -> {
            stageThread.set(Thread.currentThread());
            return v;
        });

        call.deliver(ResultMessage.of(Protocol.VERSION, "p-1",
                List.of(ItemResult.ok(0, JsonNodeFactory.instance.numberNode(27)))));
        assertThat(future).as("the delivering thread returns at once").isNotDone();

        callbacks.runAll();
        assertThat(future).isCompletedWithValue(27L);
        assertThat(stageThread.get()).isEqualTo(Thread.currentThread());
    }

    @Test
    void failuresCompleteOnTheCallbackExecutorToo() {
        call.deliver(ResultMessage.of(Protocol.VERSION, "p-1",
                List.of(ItemResult.failed(0, RemoteError.of(ErrorCode.TASK_ERROR, "boom")))));
        call.fail(new IllegalStateException("pool closed"));
        assertThat(future).isNotDone();

        callbacks.runAll();
        assertThat(future).isCompletedExceptionally();
        assertThatThrownBy(future::join).cause().isInstanceOf(TaskFailedException.class).hasMessageContaining("boom");
    }
}
