package io.mqpool.producer.jmh;

import com.fasterxml.jackson.databind.node.LongNode;
import io.mqpool.producer.Outcome;
import io.mqpool.producer.ResultConverter;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.Protocol;
import io.mqpool.protocol.ResultMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The producer's share of a result message of {@code items} longs: decode it, convert every value. Per message. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ResultPathBenchmark {
    @Param({"1024"})
    public int items;

    private final Codec codec = Codec.defaults();
    private final Function<ItemResult, Outcome<Long>> convert = new ResultConverter(codec.mapper()).to(Long.class);
    private byte[] body;

    @Setup
    public void setUp() {
        List<ItemResult> results = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            long n = i + 1_000_000L;
            results.add(ItemResult.ok(i, LongNode.valueOf(n * n * n)));
        }
        body = codec.encode(ResultMessage.timed(Protocol.VERSION, "bench-1", results, 1_000), "result");
    }

    @Benchmark
    public List<Outcome<Long>> decodeAndConvert() {
        ResultMessage m = codec.decodeResult(body);
        List<Outcome<Long>> outcomes = new ArrayList<>(m.results().size());
        for (ItemResult r : m.results()) {
            outcomes.add(convert.apply(r));
        }
        return outcomes;
    }
}
