package io.mqpool.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.WorkerEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The worker's events, driven by a fake heartbeat schedule and fake clocks: no broker, no sleeps. */
class WorkerEventsTest {
    private final Codec codec = Codec.defaults();
    private final AtomicLong wall = new AtomicLong(1_700_000_000_000L);
    private final AtomicLong nanos = new AtomicLong(50_000_000_000L);
    private final TaskOutcomes outcomes = new TaskOutcomes(null, Set.of("cube")::contains, nanos::get);
    private final FakeSink sink = new FakeSink();
    private final FakeTicker ticker = new FakeTicker();
    private final WorkerEvents events = new WorkerEvents(new WorkerEvents.Identity("w1", "host-a", 42,
            List.of("tasks", "tasks.shard-1"), 4, "1.2.3"), Duration.ofSeconds(2), outcomes, codec, sink, ticker,
            wall::get, nanos::get, nanos.get());

    static final class FakeSink implements WorkerEvents.Sink {
        record Sent(String routingKey, long ttl, byte[] body) {
        }

        final List<Sent> sent = new ArrayList<>();
        boolean open = true;
        boolean failing;
        boolean closed;

        @Override
        public void publish(String routingKey, long ttlMillis, byte[] body) {
            if (failing) {
                throw new IllegalStateException("connection lost");
            }
            sent.add(new Sent(routingKey, ttlMillis, body));
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    static final class FakeTicker implements WorkerEvents.Ticker {
        Duration period;
        Runnable task;
        boolean closed;

        @Override
        public void every(Duration p, Runnable t) {
            period = p;
            task = t;
        }

        void tick() {
            task.run();
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private WorkerEvent event(int k) {
        return codec.decodeEvent(sink.sent.get(k).body());
    }

    @Test
    void onlineThenAHeartbeatEveryIntervalWithTheCountsOfTheMoment() {
        events.online();

        assertThat(sink.sent).hasSize(1);
        assertThat(sink.sent.get(0).routingKey()).isEqualTo("worker.online");
        assertThat(sink.sent.get(0).ttl()).isEqualTo(6_000);
        assertThat(event(0)).isEqualTo(new WorkerEvent(1, "online", "w1", "host-a", 42L,
                List.of("tasks", "tasks.shard-1"), 4, 0, 0, 0, 0, 0, 2_000, "1.2.3", 1_700_000_000_000L));
        assertThat(ticker.period).isEqualTo(Duration.ofSeconds(2));

        outcomes.itemStarted();
        outcomes.answered("cube", List.of(ItemResult.ok(0, IntNode.valueOf(1)),
                ItemResult.failed(1, io.mqpool.protocol.RemoteError.of(io.mqpool.protocol.ErrorCode.TIMEOUT, "t"))));
        outcomes.retried("cube", 3);
        nanos.addAndGet(2_500_000_000L);
        wall.addAndGet(2_500);
        ticker.tick();

        assertThat(sink.sent.get(1).routingKey()).isEqualTo("worker.heartbeat");
        WorkerEvent beat = event(1);
        assertThat(beat.type()).isEqualTo("heartbeat");
        assertThat(List.of(beat.running(), beat.processed(), beat.failed(), beat.retried())).containsExactly(1L, 2L, 1L,
                3L);
        assertThat(beat.uptimeMs()).isEqualTo(2_500);
        assertThat(beat.at()).isEqualTo(1_700_000_002_500L);
        assertThat(beat.expiresAt()).isEqualTo(1_700_000_002_500L + 6_000);
    }

    @Test
    void aCleanStopSaysOfflineThenClosesAndOnlyOnce() {
        events.online();
        events.close();
        events.close();

        assertThat(ticker.closed).isTrue();
        assertThat(sink.sent).extracting(FakeSink.Sent::routingKey).containsExactly("worker.online", "worker.offline");
        assertThat(sink.closed).isTrue();
    }

    @Test
    void aStopWithTheConnectionGoneSaysNothing() {
        events.online();
        sink.open = false;
        events.close();

        assertThat(sink.sent).extracting(FakeSink.Sent::routingKey).containsExactly("worker.online");
        assertThat(sink.closed).isTrue();
    }

    @Test
    void failedPublishesAreDroppedAndTheHeartbeatGoesOnAfterTheOutage() {
        events.online();
        sink.failing = true;
        ticker.tick();
        ticker.tick();
        sink.failing = false;
        ticker.tick();

        assertThat(sink.sent).extracting(FakeSink.Sent::routingKey).containsExactly("worker.online", "worker.heartbeat");
    }
}
