package io.mqpool.testing;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.mqpool.amqp.Topology;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Publishes and reads raw messages, for tests that speak the wire protocol directly. */
public final class RawClient implements AutoCloseable {
    private final Connection connection;
    private final Channel channel;

    public RawClient() throws Exception {
        connection = TestBroker.connect();
        channel = connection.createChannel();
        channel.confirmSelect();
    }

    public Channel channel() {
        return channel;
    }

    /** Declares a durable result queue that expires after a minute unused. */
    public void declareReplyQueue(String queue) throws Exception {
        channel.queueDeclare(queue, true, false, false, Map.of("x-expires", 60_000));
    }

    public void publish(String queue, AMQP.BasicProperties props, byte[] body) throws Exception {
        channel.basicPublish("", queue, props, body);
        channel.waitForConfirmsOrDie(10_000);
    }

    public void publishJson(String queue, String replyTo, String correlationId, String json) throws Exception {
        AMQP.BasicProperties.Builder props = new AMQP.BasicProperties.Builder().contentType("application/json")
                .deliveryMode(2).messageId("raw-" + System.nanoTime());
        if (replyTo != null) {
            props.replyTo(replyTo);
        }
        if (correlationId != null) {
            props.correlationId(correlationId);
        }
        publish(queue, props.build(), json.getBytes(StandardCharsets.UTF_8));
    }

    /** Polls {@code queue} until {@code count} messages arrived or the deadline passes; returns the bodies. */
    public List<String> take(String queue, int count, Duration timeout) throws Exception {
        BlockingQueue<String> arrived = new LinkedBlockingQueue<>();
        String tag = channel.basicConsume(queue, true, (t, delivery) ->
                arrived.add(new String(delivery.getBody(), StandardCharsets.UTF_8)), t -> { });
        try {
            List<String> bodies = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (bodies.size() < count) {
                String body = arrived.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (body == null) {
                    break;
                }
                bodies.add(body);
            }
            return bodies;
        } finally {
            channel.basicCancel(tag);
        }
    }

    /** Messages ready in a queue. */
    public long ready(String queue) throws Exception {
        return channel.queueDeclarePassive(queue).getMessageCount();
    }

    public void deleteQueue(String queue) throws Exception {
        channel.queueDelete(queue);
    }

    /** Deletes a task queue with its solo, dead-letter and parking queues. */
    public void deleteTaskQueues(String queue) throws Exception {
        for (String q : Topology.taskQueueFamily(queue)) {
            channel.queueDelete(q);
        }
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }
}
