package io.mqpool.producer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import io.mqpool.protocol.IntegralResults;
import io.mqpool.protocol.ItemResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
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

    /**
     * Chunks of integral values and single results, arriving shuffled and each twice, through a ring that grows from
     * its first size and wraps: every index comes out once, with its own value, in order (or as it came).
     */
    @Test
    void integralChunksAndSingleResultsComeOutOnceEachWithTheirValues() {
        for (boolean ordered : new boolean[] {true, false}) {
            for (long seed = 1; seed <= 20; seed++) {
                Random random = new Random(seed);
                List<Object> arrivals = new ArrayList<>();
                long i = 0;
                while (i < 9_000) {
                    int n = 1 + random.nextInt(random.nextBoolean() ? 3 : 1_500);
                    if (random.nextInt(4) == 0) {
                        arrivals.add(integral(i));
                        n = 1;
                    } else {
                        long[] values = new long[n + 2];
                        for (int k = 0; k < n; k++) {
                            values[k] = (i + k) * 10;
                        }
                        arrivals.add(IntegralResults.of(i, values, n));
                    }
                    i += n;
                }
                List<Object> twice = new ArrayList<>(arrivals);
                twice.addAll(arrivals);
                Collections.shuffle(twice, random);
                ReorderBuffer b = new ReorderBuffer(ordered);
                List<ItemResult> out = new ArrayList<>();
                long accepted = 0;
                for (Object a : twice) {
                    if (a instanceof IntegralResults chunk) {
                        for (int k = 0; k < chunk.size(); k++) {
                            accepted += b.accept(chunk, k) ? 1 : 0;
                        }
                    } else {
                        accepted += b.accept((ItemResult) a) ? 1 : 0;
                    }
                    while (b.hasReady()) {
                        out.add(b.poll());
                    }
                }

                assertThat(accepted).isEqualTo(i);
                assertThat(b.duplicates()).isEqualTo(i);
                assertThat(b.size()).isZero();
                List<ItemResult> expected = LongStream.range(0, i).mapToObj(ReorderBufferTest::integral).toList();
                if (ordered) {
                    assertThat(out).as("seed %d", seed).isEqualTo(expected);
                } else {
                    assertThat(out).as("seed %d", seed).containsExactlyInAnyOrderElementsOf(expected);
                }
            }
        }
    }

    /** The result a chunk gives for index {@code i}: an IntNode where the value fits an int, as read from JSON. */
    private static ItemResult integral(long i) {
        return ItemResult.ok(i, i * 10 == (int) (i * 10) ? IntNode.valueOf((int) (i * 10)) : LongNode.valueOf(i * 10));
    }
}
