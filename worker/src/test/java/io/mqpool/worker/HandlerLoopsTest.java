package io.mqpool.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mqpool.amqp.NamedThreadFactory;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HandlerLoopsTest {
    private final ExecutorService threads = Executors.newCachedThreadPool(new NamedThreadFactory("test-loop", true));
    private final AtomicInteger limit = new AtomicInteger(2);
    private final HandlerLoops loops = new HandlerLoops(threads, limit::get);

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void manyHandlingsRunOnAtMostLimitThreadsAllOfThem() throws Exception {
        Set<String> names = ConcurrentHashMap.newKeySet();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(500);
        for (int k = 0; k < 500; k++) {
            loops.execute(() -> {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                names.add(Thread.currentThread().getName());
                running.decrementAndGet();
                done.countDown();
            });
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(most.get()).isLessThanOrEqualTo(2);
        assertThat(names).allMatch(n -> n.startsWith("test-loop"));
        await().atMost(Duration.ofSeconds(10)).until(() -> loops.waiting() == 0);
    }

    @Test
    void aLoopHeldByAStuckHandlingLeavesTheOthersWaitingUntilTheLimitGrows() throws Exception {
        limit.set(1);
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch ran = new CountDownLatch(1);
        loops.execute(() -> {
            try {
                stuck.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        loops.execute(ran::countDown);
        assertThat(ran.await(200, TimeUnit.MILLISECONDS)).isFalse();  // the only loop is stuck
        limit.set(2);                      // its thread was abandoned: one more loop may run
        loops.execute(() -> { });          // the next submission starts it
        assertThat(ran.await(30, TimeUnit.SECONDS)).isTrue();
        stuck.countDown();
    }

    @Test
    void refusesOnceTheThreadsAreStopped() {
        threads.shutdown();
        assertThatThrownBy(() -> loops.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
    }
}
