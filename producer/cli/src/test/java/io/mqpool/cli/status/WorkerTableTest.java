package io.mqpool.cli.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqpool.protocol.Codec;
import io.mqpool.protocol.WorkerEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WorkerTableTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final Codec codec = Codec.defaults();
    private final WorkerTable table = new WorkerTable(codec, now::get);

    private byte[] event(int v, String type, String worker, long intervalMs) {
        return codec.encode(new WorkerEvent(v, type, worker, "h", 7L, List.of("q"), 4, 1, 10, 2, 1, 5_000,
                intervalMs, "0.1.0", now.get()), "event");
    }

    private List<String> live() {
        return table.live().stream().map(WorkerEvent::worker).toList();
    }

    @Test
    void showsEachWorkerOnceWithItsLatestFigures() {
        table.accept(event(1, WorkerEvent.ONLINE, "b", 2_000));
        table.accept(event(1, WorkerEvent.HEARTBEAT, "a", 2_000));
        table.accept(event(1, WorkerEvent.HEARTBEAT, "b", 2_000));
        assertThat(live()).containsExactly("a", "b");
        assertThat(table.live().get(0).concurrency()).isEqualTo(4);
    }

    @Test
    void workerIsGoneAfterThreeMissedHeartbeats() {
        table.accept(event(1, WorkerEvent.HEARTBEAT, "a", 2_000));
        now.addAndGet(5_999);
        assertThat(live()).containsExactly("a");
        now.addAndGet(1);
        assertThat(live()).isEmpty();
    }

    @Test
    void aNewHeartbeatPushesTheExpiryBack() {
        table.accept(event(1, WorkerEvent.HEARTBEAT, "a", 2_000));
        now.addAndGet(5_000);
        table.accept(event(1, WorkerEvent.HEARTBEAT, "a", 2_000));
        now.addAndGet(5_000);
        assertThat(live()).containsExactly("a");
    }

    @Test
    void expiryCountsFromArrivalNotFromTheWorkersClock() {
        byte[] stale = codec.encode(new WorkerEvent(1, WorkerEvent.HEARTBEAT, "skewed", "h", 1L, List.of("q"), 1, 0,
                0, 0, 0, 0, 2_000, "0.1.0", now.get() - 3_600_000), "event");
        table.accept(stale);
        assertThat(live()).containsExactly("skewed");
    }

    @Test
    void offlineRemovesTheWorkerAtOnce() {
        table.accept(event(1, WorkerEvent.HEARTBEAT, "a", 2_000));
        table.accept(event(1, WorkerEvent.OFFLINE, "a", 2_000));
        assertThat(live()).isEmpty();
    }

    @Test
    void eventsOfANewerVersionAreIgnoredAndCounted() {
        table.accept(event(WorkerEvent.VERSION + 1, WorkerEvent.HEARTBEAT, "future", 2_000));
        assertThat(live()).isEmpty();
        assertThat(table.ignored()).isEqualTo(1);
        assertThat(table.malformed()).isZero();
    }

    @Test
    void aNewerEventWithOtherMembersIsIgnoredNotMalformed() {
        table.accept("{\"v\":99,\"type\":\"heartbeat\",\"worker\":\"w\",\"newThing\":{}}".getBytes(StandardCharsets.UTF_8));
        assertThat(table.ignored()).isEqualTo(1);
        assertThat(table.malformed()).isZero();
    }

    @Test
    void malformedEventsAreCountedNeverThrown() {
        table.accept("not json".getBytes(StandardCharsets.UTF_8));
        table.accept("{\"v\":1,\"type\":\"heartbeat\"}".getBytes(StandardCharsets.UTF_8));
        table.accept("{\"v\":1,\"type\":\"heartbeat\",\"worker\":\"x\",\"concurrency\":-1}"
                .getBytes(StandardCharsets.UTF_8));
        table.accept(new byte[0]);
        assertThat(live()).isEmpty();
        assertThat(table.malformed()).isEqualTo(4);
    }

    @Test
    void anEventWithoutIntervalUsesTheDefault() {
        table.accept(event(1, WorkerEvent.HEARTBEAT, "a", 0));
        now.addAndGet(3 * WorkerTable.DEFAULT_INTERVAL_MS - 1);
        assertThat(live()).containsExactly("a");
        now.addAndGet(1);
        assertThat(live()).isEmpty();
    }
}
