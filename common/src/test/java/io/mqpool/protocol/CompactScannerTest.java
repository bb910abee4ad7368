package io.mqpool.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The byte scanner reads exactly what the other readers read, or leaves the message to them. */
class CompactScannerTest {
    private final Codec codec = Codec.defaults();
    private final ObjectMapper mapper = codec.mapper();
    private final CompactReader reader = new CompactReader(mapper.getFactory());

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** What the streaming reader, else the data binder, makes of {@code body}; null where they refuse it. */
    private <M, W> M others(byte[] body, Function<byte[], M> streaming, Class<W> wire, Function<W, M> toMessage) {
        M m = streaming.apply(body);
        try {
            return m != null ? m : toMessage.apply(mapper.readValue(body, wire));
        } catch (Exception | Error e) {
            return null;
        }
    }

    /**
     * The scanner's reading of {@code body}, if it reads it, equals the other readers', node by node ({@code nodes}
     * gives a message's node classes).
     */
    private <M> void assertAsOthers(byte[] body, Function<byte[], M> scanner, Function<byte[], M> others,
                                    Function<M, List<Class<?>>> nodes) {
        M scanned = scanner.apply(body);
        if (scanned == null) {
            return;
        }
        M other = others.apply(body);
        String text = new String(body, StandardCharsets.UTF_8);
        assertThat(other).as(text).isNotNull().isEqualTo(scanned);
        assertThat(nodes.apply(scanned)).as(text).isEqualTo(nodes.apply(other));
    }

    private void assertTaskAsOthers(byte[] body) {
        assertAsOthers(body, CompactScanner::task, b -> others(b, reader::task, TaskWire.class, TaskWire::toMessage),
                m -> m.items().stream().<Class<?>>map(item -> item.args().get(0).getClass()).toList());
    }

    private void assertResultAsOthers(byte[] body) {
        assertAsOthers(body, CompactScanner::result, b -> others(b, reader::result, ResultWire.class,
                ResultWire::toMessage), m -> m.results().stream().<Class<?>>map(r -> r.value().getClass()).toList());
    }

    private static long randomValue(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> random.nextInt(200) - 100;
            case 1 -> random.nextInt();
            case 2 -> random.nextLong();
            default -> random.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE;
        };
    }

    private static String task(Random random, int n, boolean spaces) {
        String sp = spaces ? " " : "";
        StringBuilder s = new StringBuilder("{\"v\":" + sp + "2,\"job\":\"j-" + random.nextInt(99) + "\","
                + sp + "\"task\":\"cube\",\"first\":" + random.nextInt(1_000) + ",\"args\":[");
        for (int k = 0; k < n; k++) {
            s.append(k == 0 ? "" : "," + sp).append('[').append(randomValue(random)).append(']');
        }
        s.append(']');
        if (random.nextBoolean()) {
            s.append(",\"timeoutMs\":").append(random.nextInt(100_000));
        }
        if (random.nextBoolean()) {
            s.append(",\"maxAttempts\":").append(1 + random.nextInt(5));
        }
        return s.append('}').toString();
    }

    private static String result(Random random, int n, boolean spaces) {
        String sp = spaces ? " " : "";
        StringBuilder s = new StringBuilder("{\"v\":2," + sp + "\"job\":\"j\",\"first\":" + random.nextInt(1_000)
                + ",\"values\":" + sp + "[");
        for (int k = 0; k < n; k++) {
            s.append(k == 0 ? "" : "," + sp).append(randomValue(random));
        }
        s.append(']');
        if (random.nextBoolean()) {
            s.append(",\"us\":").append(random.nextInt(100_000));
        }
        if (random.nextBoolean()) {
            s.append(",\"attempt\":").append(2 + random.nextInt(5));
        }
        return s.append('}').toString();
    }

    @Test
    void readsWhatTheWritersWriteAsTheOtherReaders() {
        Random random = new Random(7);
        for (int round = 0; round < 400; round++) {
            boolean spaces = round % 3 == 0;
            byte[] t = utf8(task(random, 1 + random.nextInt(40), spaces));
            byte[] r = utf8(result(random, 1 + random.nextInt(40), spaces));
            assertThat(CompactScanner.task(t)).as(new String(t, StandardCharsets.UTF_8)).isNotNull();
            assertThat(CompactScanner.result(r)).as(new String(r, StandardCharsets.UTF_8)).isNotNull();
            assertTaskAsOthers(t);
            assertResultAsOthers(r);
        }
        TaskMessage written = codec.decodeTask(codec.encode(new TaskMessage(2, "j", "cube", new IntegralItems(5,
                new long[] {1, -2, Long.MIN_VALUE}, 3), 10L, 2), "task"));
        assertThat(CompactScanner.task(codec.encode(written, "task"))).isEqualTo(written);
        ResultMessage answered = ResultMessage.timed(2, "j", IntegralResults.of(5, new long[] {1, -8, Long.MAX_VALUE}, 3),
                7);
        assertThat(CompactScanner.result(codec.encode(answered, "result"))).isEqualTo(answered);
        assertThat(CompactScanner.result(codec.encode(ResultMessage.of(2, "j", List.of(ItemResult.ok(0,
                IntNode.valueOf(3)))), "result"))).isEqualTo(ResultMessage.of(2, "j", List.of(ItemResult.ok(0,
                IntNode.valueOf(3)))));
    }

    /** One byte changed, dropped or doubled, anywhere: read as the others read it, or left to them. */
    @Test
    void aDamagedMessageIsReadAsTheOtherReadersReadItOrLeftToThem() {
        Random random = new Random(11);
        String alphabet = "0123456789-+.eE[]{},:\" \\\u00e9ax";
        for (int round = 0; round < 20_000; round++) {
            boolean isTask = random.nextBoolean();
            String s = isTask ? task(random, 1 + random.nextInt(4), random.nextBoolean())
                    : result(random, 1 + random.nextInt(4), random.nextBoolean());
            int at = random.nextInt(s.length());
            s = switch (random.nextInt(3)) {
                case 0 -> s.substring(0, at) + alphabet.charAt(random.nextInt(alphabet.length())) + s.substring(at + 1);
                case 1 -> s.substring(0, at) + s.substring(at + 1);
                default -> s.substring(0, at) + s.charAt(at) + s.substring(at);
            };
            if (isTask) {
                assertTaskAsOthers(utf8(s));
            } else {
                assertResultAsOthers(utf8(s));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"v\":2,\"job\":\"j\",\"first\":0,\"values\":[9223372036854775808]}",
        "{\"v\":2,\"job\":\"j\",\"first\":0,\"values\":[-9223372036854775809]}",
        "{\"v\":2,\"job\":\"j\",\"first\":0,\"values\":[01]}",
        "{\"v\":2,\"job\":\"j\",\"first\":0,\"values\":[-]}",
        "{\"v\":2,\"job\":\"j\",\"first\":0,\"values\":[1.0]}",
        "{\"v\":2,\"job\":\"j\",\"first\":0,\"values\":[1e3]}",
        "{\"v\":2,\"job\":\"j\",\"first\":0,\"values\":[]}",
        "{\"v\":2,\"job\":\"j\\u0041\",\"first\":0,\"values\":[1]}",
        "{\"v\":2,\"job\":\"j\u00e9\",\"first\":0,\"values\":[1]}",
        "{\"v\":2,\"job\":\"j\",\"first\":0,\"values\":[1]} x",
        "{\"job\":\"j\",\"v\":2,\"first\":0,\"values\":[1]}",
        "{\"v\":2,\"job\":\"j\",\"first\":0,\"values\":[1],\"us\":1,\"us\":2}",
        "{\"v\":2,\"job\":\"j\",\"first\":0,\"values\":[1],\"attempt\":2,\"us\":1}",
        "{\"v\":1,\"job\":\"j\",\"first\":0,\"values\":[1]}",
        "{\"v\":2,\"job\":\"j\",\"first\":-1,\"values\":[1]}",
        "{\"v\":2,\"job\":\"\",\"first\":0,\"values\":[1]}",
        "{\"v\":2,\"job\":\"j\",\"first\":9223372036854775807,\"values\":[1,2]}",
        "{\"v\":2,\"job\":\"j\",\"first\":0,\"values\":[1],\"attempt\":2147483648}",
        "\uFEFF{\"v\":2,\"job\":\"j\",\"first\":0,\"values\":[1]}",
    })
    void leavesToTheOtherReadersWhatItDoesNotFullyKnow(String body) {
        assertThat(CompactScanner.result(utf8(body))).isNull();
    }

    @Test
    void readsTheExtremesOfALongAndWhitespaceBetweenTokens() {
        byte[] body = utf8(" {\"v\" : 2 ,\n\"job\":\"j\",\"first\":3,\"values\":[ -9223372036854775808 ,9223372036854775807,"
                + "-0,2147483648,-2147483648]\t,\"us\":0 }\r\n");
        ResultMessage m = CompactScanner.result(body);
        assertThat(m).isNotNull();
        assertThat(m.results()).isInstanceOf(IntegralResults.class);
        assertResultAsOthers(body);
    }
}
