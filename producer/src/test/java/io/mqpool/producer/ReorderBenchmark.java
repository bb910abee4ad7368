package io.mqpool.producer;

import com.fasterxml.jackson.databind.node.LongNode;
import io.mqpool.protocol.ItemResult;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Cost per item of the reorder buffer and the chunk sizer: 65,536 results arriving in chunks of 1,024 in a
 * shuffled chunk order, as with two workers, then drained in input order.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ReorderBenchmark {
    private static final int ITEMS = 65_536;
    private static final int CHUNK = 1_024;

    private ItemResult[] arrivals;

    @Setup
    public void setUp() {
        int chunks = ITEMS / CHUNK;
        int[] order = new int[chunks];
        for (int c = 0; c < chunks; c++) {
            order[c] = c % 2 == 0 ? c + 1 < chunks ? c + 1 : c : c - 1;
        }
        arrivals = new ItemResult[ITEMS];
        int k = 0;
        for (int c : order) {
            for (int i = 0; i < CHUNK; i++) {
                long index = (long) c * CHUNK + i;
                arrivals[k++] = ItemResult.ok(index, LongNode.valueOf(index));
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public void orderedAcceptAndDrain(Blackhole bh) {
        ReorderBuffer buffer = new ReorderBuffer(true);
        for (ItemResult r : arrivals) {
            buffer.accept(r);
            while (buffer.hasReady()) {
                bh.consume(buffer.poll());
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public void unorderedAcceptAndDrain(Blackhole bh) {
        ReorderBuffer buffer = new ReorderBuffer(false);
        for (ItemResult r : arrivals) {
            buffer.accept(r);
            while (buffer.hasReady()) {
                bh.consume(buffer.poll());
            }
        }
    }

    @Benchmark
    public int chooseChunk() {
        return ChunkSizer.choose(ITEMS);
    }
}
