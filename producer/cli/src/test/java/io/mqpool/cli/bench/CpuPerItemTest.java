package io.mqpool.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each side's CPU per item, and the broker's process found by its listening socket in /proc. */
class CpuPerItemTest {
    @TempDir
    Path proc;

    /** Each process's CPU time so far, as the meter reads it. */
    private final Map<Long, Long> cpuNanos = new HashMap<>();

    /** A process in the made-up /proc: its name is all the broker's finder reads of its stat line. */
    private void process(long pid, String name) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(String.valueOf(pid)));
        Files.writeString(dir.resolve("stat"), pid + " (" + name + ") S 1 1 1 0\n");
    }

    /** Sets process {@code pid}'s CPU time so far, in milliseconds. */
    private void cpu(long pid, long millis) {
        cpuNanos.put(pid, millis * 1_000_000);
    }

    private CpuPerItem meter(Supplier<List<Long>> workers, OptionalLong broker, int processors) {
        return new CpuPerItem(pid -> cpuNanos.getOrDefault(pid, CpuPerItem.UNKNOWN), 10, workers, broker,
                processors);
    }

    @Test
    void eachSidesCpuTimeOverTheMeasuredItemsOnly() {
        List<Long> workers = new ArrayList<>(List.of(20L, 30L));
        cpu(10, 1_000);
        cpu(20, 500);
        cpu(30, 500);
        cpu(40, 10_000);
        CpuPerItem meter = meter(() -> workers, OptionalLong.of(40), 2);

        CpuPerItem.Reading before = meter.read();
        // One run of 1,000,000 items: 0.3 s of the producer, 0.2 + 0.2 s of the workers, 0.4 s of the broker.
        cpu(10, 1_300);
        cpu(20, 700);
        cpu(30, 700);
        cpu(40, 10_400);
        meter.ran(before, 1_000_000);
        // Between runs (the baseline's, Python's): not counted.
        cpu(40, 50_000);
        // A second run in which worker 30 was replaced by 31, which starts counting at 0.
        before = meter.read();
        cpu(10, 1_600);
        cpu(31, 10);
        workers.set(1, 31L);
        cpu(20, 1_100);
        cpu(40, 50_400);
        meter.ran(before, 1_000_000);

        ObjectNode report = JsonNodeFactory.instance.objectNode();
        meter.report(report);
        // Over 2 M items: producer 600 ms, workers 400 ms (the restart made the second run's fall: 0), broker 800 ms.
        assertThat(report.path("producer").asLong()).isEqualTo(300);
        assertThat(report.path("workers").asLong()).isEqualTo(200);
        assertThat(report.path("broker").asLong()).isEqualTo(400);
        assertThat(report.path("total").asLong()).isEqualTo(900);
        assertThat(report.path("ceilingItemsPerSec").asLong()).isEqualTo(2_222_222);
    }

    @Test
    void noBrokerFigureWhenItIsNotHereAndNothingWhenThisJvmsCpuTimeIsUnknown() {
        cpu(10, 0);
        CpuPerItem meter = meter(List::of, OptionalLong.empty(), 4);
        CpuPerItem.Reading before = meter.read();
        cpu(10, 1_000);
        meter.ran(before, 1_000_000);
        ObjectNode report = JsonNodeFactory.instance.objectNode();
        meter.report(report);
        assertThat(report.has("broker")).isFalse();
        assertThat(report.path("total").asLong()).isEqualTo(1_000);
        assertThat(report.path("ceilingItemsPerSec").asLong()).isEqualTo(4_000_000);

        cpuNanos.clear();
        ObjectNode none = JsonNodeFactory.instance.objectNode();
        meter.report(none);
        assertThat(none.isEmpty()).isTrue();
    }

    /** The JDK's reading of this JVM's own CPU time, as the bench uses it: it grows with work done. */
    @Test
    void readsThisJvmsOwnCpuTime() {
        CpuPerItem meter = new CpuPerItem(List::of, OptionalLong.empty());
        CpuPerItem.Reading before = meter.read();
        long sum = 0;
        for (long deadline = System.nanoTime() + 200_000_000L; System.nanoTime() < deadline; ) {
            sum += Long.numberOfTrailingZeros(sum + System.nanoTime());
        }
        meter.ran(before, 1);
        ObjectNode report = JsonNodeFactory.instance.objectNode();
        meter.report(report);
        assertThat(sum).isPositive();
        if (ProcessHandle.current().info().totalCpuDuration().isPresent()) {
            assertThat(report.path("producer").asLong()).as("ns for the one item").isGreaterThan(0);
        } else {
            assertThat(report.isEmpty()).isTrue();
        }
    }

    @Test
    void findsTheListenerOfAPortInAMadeUpProcAndOnlyARabbitMqOneAsTheBroker() throws IOException {
        Files.createDirectories(proc.resolve("net"));
        Files.writeString(proc.resolve("net/tcp"), """
                  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
                   0: 0100007F:1628 0100007F:9C40 01 00000000:00000000 00:00000000 00000000   107        0 111 1
                   1: 00000000:1628 00000000:0000 0A 00000000:00000000 00:00000000 00000000   107        0 222 1
                   2: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 333 1
                """);
        Files.writeString(proc.resolve("net/tcp6"), "  sl  local_address\n");
        process(7, "java");
        Files.createDirectories(proc.resolve("7/fd"));
        Files.createSymbolicLink(proc.resolve("7/fd/3"), Path.of("socket:[111]"));
        process(8, "beam.smp");
        Files.createDirectories(proc.resolve("8/fd"));
        Files.createSymbolicLink(proc.resolve("8/fd/5"), Path.of("socket:[222]"));
        process(9, "docker-proxy");
        Files.createDirectories(proc.resolve("9/fd"));
        Files.createSymbolicLink(proc.resolve("9/fd/4"), Path.of("socket:[333]"));

        assertThat(LocalBroker.pid(proc, "127.0.0.1", 5672)).hasValue(8); // 0x1628; the connected one is not it
        assertThat(LocalBroker.pid(proc, "localhost", 5672)).hasValue(8);
        assertThat(LocalBroker.listener(proc, "127.0.0.1", 22)).hasValue(9);
        assertThat(LocalBroker.pid(proc, "127.0.0.1", 22)).as("not RabbitMQ's VM").isEmpty();
        assertThat(LocalBroker.pid(proc, "127.0.0.1", 5673)).isEmpty();
        assertThat(LocalBroker.pid(proc, "192.0.2.1", 5672)).as("not this machine").isEmpty();
    }

    /** The real /proc: this JVM is the listener of a socket it opens (Linux only, as the bench's figure). */
    @Test
    void findsThisJvmListeningInTheRealProc() throws IOException {
        Path real = Path.of("/proc");
        if (!Files.isDirectory(real.resolve("net"))) {
            return; // not Linux: the bench reports no figure there either
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(LocalBroker.listener(real, "127.0.0.1", socket.getLocalPort()))
                    .hasValue(ProcessHandle.current().pid());
            assertThat(LocalBroker.pid(real, "127.0.0.1", socket.getLocalPort())).as("a JVM, not the broker").isEmpty();
        }
    }
}
