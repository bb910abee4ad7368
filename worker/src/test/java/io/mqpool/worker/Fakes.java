package io.mqpool.worker;

import io.mqpool.amqp.Delivery;
import io.mqpool.amqp.DeliveryChannel;
import io.mqpool.amqp.MessageProperties;
import io.mqpool.amqp.MessagePublisher;
import io.mqpool.amqp.PublishResult;
import io.mqpool.config.ConnectionSettings;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.Protocol;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/** Fakes of the worker's collaborators: no broker. */
final class Fakes {
    private Fakes() {
    }

    static WorkerSettings settings(int concurrency) {
        return new WorkerSettings(ConnectionSettings.of("amqp://localhost"), "tasks", concurrency, 0, 5,
                Duration.ofSeconds(30), null, Duration.ofMinutes(10), "w1");
    }

    /** A retrier publishing through {@code publisher}, with a seeded random and delay queues that need no broker. */
    static Retrier retrier(Codec codec, MessagePublisher publisher) {
        return new Retrier(codec, new Replies(publisher, "w1"), new DelayQueues("tasks", delayMs -> { }),
                new Random(42), "w1");
    }

    /** A publisher whose publishes the test settles through their futures. */
    static final class Publisher implements MessagePublisher {
        record Sent(String queue, MessageProperties props, byte[] body, CompletableFuture<PublishResult> future) {
            String text() {
                return new String(body, StandardCharsets.UTF_8);
            }
        }

        final List<Sent> sent = Collections.synchronizedList(new ArrayList<>());

        @Override
        public CompletableFuture<PublishResult> publish(String queue, MessageProperties props, byte[] body,
                                                       boolean mandatory) {
            CompletableFuture<PublishResult> f = new CompletableFuture<>();
            sent.add(new Sent(queue, props, body, f));
            return f;
        }

        void confirmAll() {
            List.copyOf(sent).forEach(s -> s.future().complete(PublishResult.CONFIRMED));
        }
    }

    /** A settler that records what it was told, as "ack m1", "deadLetter m1", "requeue m1". */
    static final class Settler implements io.mqpool.worker.Settler {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        int opened;

        @Override
        public synchronized void opened() {
            opened++;
        }

        @Override
        public void ack(Delivery d) {
            events.add("ack " + d.properties().messageId());
        }

        @Override
        public void deadLetter(Delivery d, String why) {
            events.add("deadLetter " + d.properties().messageId() + ": " + why);
        }

        @Override
        public void requeue(Delivery d) {
            events.add("requeue " + d.properties().messageId());
        }

        @Override
        public void requeueLater(Delivery d) {
            events.add("requeueLater " + d.properties().messageId());
        }
    }

    /** A channel that records settlements. */
    static final class Channel implements DeliveryChannel {
        volatile boolean open = true;
        final List<String> settled = Collections.synchronizedList(new ArrayList<>());

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void settle(long deliveryTag, Settlement how) {
            settled.add(how + " " + deliveryTag);
        }
    }

    static MessageProperties task(String messageId, Map<String, Object> headers) {
        return MessageProperties.persistent(Protocol.CONTENT_TYPE).withMessageId(messageId).withCorrelationId("job-1")
                .withReplyTo("results").withHeaders(headers);
    }

    static Delivery delivery(DeliveryChannel channel, MessageProperties props, String json) {
        return new Delivery(props, json.getBytes(StandardCharsets.UTF_8), false, 1, channel);
    }
}
