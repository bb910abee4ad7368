package io.mqpool.producer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.LongNode;
import io.mqpool.protocol.ItemResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReorderBufferTest {
    private static ItemResult r(long i) {
        return ItemResult.ok(i, LongNode.valueOf(i * 10));
    }

    private static List<Long> drain(ReorderBuffer b) {
        List<Long> out = new ArrayList<>();
        while (b.hasReady()) {
            out.add(b.poll().i());
        }
        return out;
    }

    @Test
    void orderedEmitsInIndexOrderOnly() {
        ReorderBuffer b = new ReorderBuffer(true);
        b.accept(r(2));
        b.accept(r(1));
        assertThat(b.hasReady()).isFalse();
        b.accept(r(0));
        assertThat(drain(b)).containsExactly(0L, 1L, 2L);
        assertThat(b.size()).isZero();
    }

    @Test
    void duplicatesAreDroppedBeforeAndAfterEmission() {
        ReorderBuffer b = new ReorderBuffer(true);
        assertThat(b.accept(r(1))).isTrue();
        assertThat(b.accept(r(1))).isFalse();
        b.accept(r(0));
        drain(b);
        assertThat(b.accept(r(0))).isFalse();
        assertThat(b.duplicates()).isEqualTo(2);
    }

    @Test
    void orderedRingGrowsAndWrapsWithoutLosingOrDuplicating() {
        ReorderBuffer b = new ReorderBuffer(true);
        java.util.Random random = new java.util.Random(7);
        List<Long> out = new ArrayList<>();
        long base = 0;
        for (int round = 0; round < 20; round++) {
            int span = 1 + random.nextInt(5_000);
            List<Long> batch = new ArrayList<>();
            for (long i = base; i < base + span; i++) {
                batch.add(i);
            }
            java.util.Collections.shuffle(batch, random);
            for (long i : batch) {
                assertThat(b.has(i)).isFalse();
                assertThat(b.accept(r(i))).isTrue();
                assertThat(b.accept(r(i))).isFalse();
            }
            out.addAll(drain(b));
            base += span;
        }
        assertThat(out).hasSize((int) base);
        for (int k = 0; k < out.size(); k++) {
            assertThat(out.get(k)).isEqualTo(k);
        }
        assertThat(b.size()).isZero();
        assertThat(b.duplicates()).isEqualTo(base);
    }

    @Test
    void orderedDropsResultsFarBeyondAnyWindow() {
        ReorderBuffer b = new ReorderBuffer(true);
        assertThat(b.accept(r(1L << 40))).isFalse();
        assertThat(b.strays()).isEqualTo(1);
        assertThat(b.has(1L << 40)).isFalse();
        assertThat(b.accept(r(0))).isTrue();
        assertThat(drain(b)).containsExactly(0L);
    }

    @Test
    void unorderedEmitsOnArrivalAndDeduplicates() {
        ReorderBuffer b = new ReorderBuffer(false);
        b.accept(r(3));
        b.accept(r(1));
        assertThat(b.accept(r(3))).isFalse();
        assertThat(drain(b)).containsExactly(3L, 1L);
        assertThat(b.accept(r(1))).isFalse();
    }
}
