package io.mqpool.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.mqpool.MqpoolException;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.Protocol;
import io.mqpool.protocol.ResultMessage;
import io.mqpool.protocol.TaskMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Routing of result-queue messages, and what becomes of one that cannot be read or handled. */
class ResultRouterTest {
    private final Codec codec = Codec.defaults();
    private final ResultRouter router = new ResultRouter(codec, "p");

    /** Records what reaches a job; throws from deliver when told to. */
    private static final class Sink implements ResultSink {
        final List<ResultMessage> delivered = new ArrayList<>();
        final List<long[]> markers = new ArrayList<>();
        final List<RuntimeException> failures = new ArrayList<>();
        RuntimeException throwOnDeliver;

        @Override
        public void deliver(ResultMessage message) {
            if (throwOnDeliver != null) {
                throw throwOnDeliver;
            }
            delivered.add(message);
        }

        @Override
        public void republish(TaskMessage message, int attempt) {
        }

        @Override
        public void published(long[] indices) {
            markers.add(indices);
        }

        @Override
        public void fail(RuntimeException cause) {
            failures.add(cause);
        }
    }

    private byte[] result(String job, long i) {
        return codec.encode(ResultMessage.of(Protocol.VERSION, job, List.of(ItemResult.ok(i,
                JsonNodeFactory.instance.numberNode(i)))), "result message");
    }

    @Test
    void resultsAndMarkersGoToTheJobTheyName() {
        Sink a = new Sink();
        Sink b = new Sink();
        router.register("p-1", a);
        router.register("p-2", b);

        router.handle("p-2", false, result("p-2", 7));
        router.handle("p-1", true, "[3,4]".getBytes(StandardCharsets.UTF_8));
        router.handle("p-9", false, result("p-9", 1));

        assertThat(b.delivered).extracting(ResultMessage::job).containsExactly("p-2");
        assertThat(a.markers).containsExactly(new long[] {3, 4});
        assertThat(a.delivered).isEmpty();
    }

    @Test
    void aJobIdIsRegisteredOnceAndItsRegistrationEnds() {
        Sink a = new Sink();
        Runnable unregister = router.register("p-1", a);
        assertThatThrownBy(() -> router.register("p-1", new Sink())).isInstanceOf(IllegalStateException.class);

        unregister.run();
        router.handle("p-1", false, result("p-1", 0));
        assertThat(a.delivered).isEmpty();
    }

    @Test
    void unreadableMessageFailsTheJobItsCorrelationIdNames() {
        Sink a = new Sink();
        router.register("p-1", a);

        router.handle("p-1", false, "{not json".getBytes(StandardCharsets.UTF_8));

        assertThat(a.failures).singleElement().isInstanceOf(MqpoolException.class)
                .extracting(Throwable::getMessage).asString().contains("a result of job p-1 could not be read");
    }

    @Test
    void messageThatCannotBeHandledFailsItsJobInsteadOfLeavingItWaiting() {
        Sink broken = new Sink();
        broken.throwOnDeliver = new IllegalStateException("unordered jobs are limited to 2147483647 items");
        Sink other = new Sink();
        router.register("p-1", broken);
        router.register("p-2", other);

        router.handle("p-1", false, result("p-1", 0));

        assertThat(broken.failures).singleElement().isInstanceOf(MqpoolException.class)
                .extracting(Throwable::getMessage).asString()
                .contains("a result message of job p-1 could not be handled: unordered jobs are limited");
        assertThat(other.failures).as("another job is not affected").isEmpty();
    }

    @Test
    void failAllFailsEveryOpenJob() {
        Sink a = new Sink();
        Sink b = new Sink();
        router.register("p-1", a);
        router.register("p-2", b);

        router.failAll(new MqpoolException("pool p was closed"));

        assertThat(a.failures).hasSize(1);
        assertThat(b.failures).hasSize(1);
    }
}
