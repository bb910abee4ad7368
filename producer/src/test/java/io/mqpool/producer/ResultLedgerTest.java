package io.mqpool.producer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.LongNode;
import io.mqpool.protocol.ErrorCode;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.RemoteError;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import org.junit.jupiter.api.Test;

class ResultLedgerTest {
    private static final RemoteError CANCELLED = RemoteError.of(ErrorCode.CANCELLED, "cancelled");
    private final ResultLedger ledger = new ResultLedger(true, PoolMeters.none());
    private final Queue<ItemResult> out = new ArrayDeque<>();

    private static ItemResult r(long i) {
        return ItemResult.ok(i, LongNode.valueOf(i));
    }

    @Test
    void countsEachIndexOnceAndRetriesAndThePeakHeldBack() {
        ledger.countPublished(4);
        ledger.accept(List.of(r(3), r(2)), false);
        ledger.accept(List.of(r(2), r(1)), true);
        ledger.countRepublished();

        assertThat(ledger.completed()).isEqualTo(3);
        assertThat(ledger.stats()).isEqualTo(new JobStats(4, 1, 3, 3, 1, 0, 1));
        assertThat(ledger.drainTo(out, 10)).as("held back behind index 0").isZero();
        ledger.accept(List.of(r(0)), false);
        assertThat(ledger.drainTo(out, 2)).isEqualTo(2);
        assertThat(ledger.drainTo(out, 10)).isEqualTo(2);
        assertThat(out).extracting(ItemResult::i).containsExactly(0L, 1L, 2L, 3L);
    }

    @Test
    void answersLocallyOnlyTheIndexesWithoutAResultInBatches() {
        ledger.accept(List.of(r(1), r(3)), false);

        assertThat(ledger.answerLocally(0, 6, 2, CANCELLED)).as("0 and 2 answered, 1 skipped").isEqualTo(3);
        assertThat(ledger.answerLocally(3, 6, 2, CANCELLED)).isEqualTo(6);
        assertThat(ledger.completed()).isEqualTo(6);
        ledger.drainTo(out, 10);
        assertThat(out).extracting(r -> r.isOk() ? "ok" : r.error().code())
                .containsExactly("CANCELLED", "ok", "CANCELLED", "ok", "CANCELLED", "CANCELLED");
    }

    @Test
    void closeDropsWhatIsHeldAndKeepsTheStatistics() {
        ledger.accept(List.of(r(2)), false);
        ledger.close();

        assertThat(ledger.drainTo(out, 10)).isZero();
        assertThat(ledger.stats().completed()).isEqualTo(1);
    }

    @Test
    void localAnswersOfACancelKeepTheGaugesTrue() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ResultLedger metered = new ResultLedger(true, new PoolMeters(registry, "p"));
        metered.countPublished(4);
        metered.accept(List.of(r(1)), false);
        metered.answerLocally(0, 6, 10, CANCELLED);

        assertThat(registry.get("mqpool.producer.reorder.depth").gauge().value()).isEqualTo(6);
        metered.drainTo(out, 10);
        assertThat(registry.get("mqpool.producer.reorder.depth").gauge().value()).isZero();
        metered.close();
        assertThat(registry.get("mqpool.producer.items.in_flight").gauge().value())
                .as("the 3 published items answered locally are no longer in flight").isZero();
    }
}
