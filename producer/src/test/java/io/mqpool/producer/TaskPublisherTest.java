package io.mqpool.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import io.mqpool.config.BrokerAddress;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.Protocol;
import io.mqpool.protocol.ResultMessage;
import io.mqpool.protocol.TaskItem;
import io.mqpool.protocol.TaskMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** What a publish does when the channel fails under it; the channel is a fake that throws on basicPublish. */
class TaskPublisherTest {
    private static final TaskMessage MESSAGE = new TaskMessage(Protocol.VERSION, "job-1", "cube",
            List.of(new TaskItem(7, JsonNodeFactory.instance.arrayNode().add(7))), null);

    /** Records what the publisher hands back to the job. */
    private static final class Sink implements ResultSink {
        final List<TaskMessage> republished = new ArrayList<>();
        final List<RuntimeException> failures = new ArrayList<>();

        @Override
        public void deliver(ResultMessage message) {
        }

        @Override
        public void republish(TaskMessage message, int attempt) {
            republished.add(message);
        }

        @Override
        public void fail(RuntimeException cause) {
            failures.add(cause);
        }
    }

    /** A channel whose basicPublish throws what {@code failure} supplies; everything else is a no-op. */
    private static Channel failingChannel(Supplier<Exception> failure) {
        AtomicLong seq = new AtomicLong(1);
        return (Channel) Proxy.newProxyInstance(Channel.class.getClassLoader(), new Class<?>[] {Channel.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getNextPublishSeqNo" -> seq.get();
                    case "basicPublish" -> {
                        seq.incrementAndGet();
                        throw failure.get();
                    }
                    default -> null;
                });
    }

    private static TaskPublisher publisher(Channel channel) throws IOException {
        return new TaskPublisher(channel, new Codec(Codec.DEFAULT_MAX_MESSAGE_BYTES), "tasks",
                BrokerAddress.parse("amqp://localhost"));
    }

    private static TaskPublisher.Route route(Sink sink) {
        return new TaskPublisher.Route(sink, "results", false);
    }

    @Test
    void publishMeetingALostConnectionIsKeptAndRepublishedAfterTheReconnect() throws Exception {
        TaskPublisher publisher = publisher(failingChannel(() -> new SocketException("Broken pipe")));
        Sink sink = new Sink();

        publisher.publish(route(sink), MESSAGE, 1);
        assertThat(sink.republished).isEmpty();
        publisher.republishUnconfirmed();

        assertThat(sink.republished).containsExactly(MESSAGE);
        assertThat(sink.failures).isEmpty();
    }

    @Test
    void publishOnAChannelClosedWithItsLostConnectionIsKeptToo() throws Exception {
        ShutdownSignalException lost = new ShutdownSignalException(true, false, null, "connection");
        TaskPublisher publisher = publisher(failingChannel(() -> new AlreadyClosedException(lost)));
        Sink sink = new Sink();

        publisher.publish(route(sink), MESSAGE, 1);
        publisher.republishUnconfirmed();

        assertThat(sink.republished).containsExactly(MESSAGE);
    }

    @Test
    void publishOnAPoolClosedByTheApplicationFails() throws Exception {
        ShutdownSignalException closedByUs = new ShutdownSignalException(true, true, null, "connection");
        TaskPublisher publisher = publisher(failingChannel(() -> new AlreadyClosedException(closedByUs)));
        Sink sink = new Sink();

        assertThatThrownBy(() -> publisher.publish(route(sink), MESSAGE, 1)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("cannot publish to queue 'tasks'");
        publisher.republishUnconfirmed();
        assertThat(sink.republished).isEmpty();
    }

    @Test
    void publishesUnconfirmedOnAChannelThatRestartedItsNumberingAreSentAgain() throws Exception {
        AtomicLong seq = new AtomicLong(1);
        Channel channel = (Channel) Proxy.newProxyInstance(Channel.class.getClassLoader(), new Class<?>[] {Channel.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getNextPublishSeqNo" -> seq.get();
                    case "basicPublish" -> {
                        seq.incrementAndGet();
                        yield null;
                    }
                    default -> null;
                });
        TaskPublisher publisher = publisher(channel);
        Sink sink = new Sink();
        TaskMessage second = new TaskMessage(Protocol.VERSION, "job-1", "cube",
                List.of(new TaskItem(8, JsonNodeFactory.instance.arrayNode().add(8))), null);

        publisher.publish(route(sink), MESSAGE, 1);
        publisher.publish(route(sink), second, 1);
        seq.set(1); // recovered: the new channel numbers its publishes from 1 again, before any listener ran
        TaskMessage third = new TaskMessage(Protocol.VERSION, "job-1", "cube",
                List.of(new TaskItem(9, JsonNodeFactory.instance.arrayNode().add(9))), null);
        publisher.publish(route(sink), third, 1);

        assertThat(sink.republished).containsExactly(MESSAGE, second);
        publisher.handleAck(1, false);
        publisher.republishUnconfirmed();
        assertThat(sink.republished).as("the third was confirmed under its new number").containsExactly(MESSAGE, second);
    }
}
