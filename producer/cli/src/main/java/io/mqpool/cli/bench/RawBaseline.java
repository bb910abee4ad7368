package io.mqpool.cli.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.mqpool.amqp.Connections;
import io.mqpool.amqp.NamedThreadFactory;
import io.mqpool.amqp.Topology;
import io.mqpool.config.ConnectionSettings;
import java.io.IOException;
import java.nio.ByteBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.TimeUnit;

/**
 * The baseline's producer: plain amqp-client round trips (publish, {@link RawEcho} replies, consume), one
 * small message per task, over a queue with the task queue's settings (quorum, delivery limit, persistent,
 * confirms) and a reply queue of the result queue's type, tuned as a careful user would tune it: its own window
 * of messages in flight ({@code --raw-window}), and replies consumed with that prefetch and acknowledged in
 * batches ({@code multiple}).
 */
public final class RawBaseline implements AutoCloseable {
    private final Connection connection;
    private final Channel publish;
    private final Channel consume;
    private final String queue;
    private final String replies;
    private final Semaphore inFlight;
    private final Semaphore received = new Semaphore(0);
    private final Map<String, CompletableFuture<Void>> callers = new ConcurrentHashMap<>();
    private final AtomicLong callIds = new AtomicLong();
    /** Replies acknowledged together, with one {@code multiple} ack, at most. */
    private static final int ACK_BATCH = 32;

    /** Connects as mqpool does (TLS with certificate and host name checks, no trust-all), then declares its queues. */
    public RawBaseline(ConnectionSettings settings, String queue, int window) throws Exception {
        this.connection = Connections.open(settings, "mqpool-bench-raw", new NamedThreadFactory("mqpool-bench-raw", true));
        this.queue = queue;
        this.replies = queue + ".replies";
        this.inFlight = new Semaphore(window);
        Channel setup = connection.createChannel();
        Topology.declareTaskQueue(setup, queue, Topology.DEFAULT_DELIVERY_LIMIT);
        Topology.declareResultQueue(setup, replies, Topology.DEFAULT_RESULT_TTL);
        setup.close();
        publish = connection.createChannel();
        publish.confirmSelect();
        publish.addConfirmListener((seq, multiple) -> { }, (seq, multiple) -> {
            throw new IllegalStateException("baseline publish nacked");
        });
        consume = connection.createChannel();
        int ackBatch = Math.max(1, Math.min(ACK_BATCH, window / 4));  // well under the prefetch: never stalls it
        consume.basicQos(window);
        consume.basicConsume(replies, false, new DefaultConsumer(consume) {
            private int unacked;

            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body)
                    throws IOException {
                CompletableFuture<Void> caller = props.getCorrelationId() == null ? null
                        : callers.remove(props.getCorrelationId());
                if (caller != null) {
                    caller.complete(null);
                }
                if (++unacked >= ackBatch) {
                    consume.basicAck(envelope.getDeliveryTag(), true);
                    unacked = 0;
                }
                inFlight.release();
                received.release();
            }
        });
    }

    /** Round trips {@code count} messages with the window full; returns the elapsed nanoseconds. */
    public long throughput(int count) throws Exception {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().deliveryMode(2).replyTo(replies).build();
        long start = System.nanoTime();
        for (int k = 0; k < count; k++) {
            inFlight.acquire();
            publish.basicPublish("", queue, true, props, ByteBuffer.allocate(8).putLong(k).array());
        }
        if (!received.tryAcquire(count, 10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("baseline replies did not all arrive");
        }
        return System.nanoTime() - start;
    }

    /** One round trip at a time; returns each one's nanoseconds. */
    public long[] latencies(int count) throws Exception {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().deliveryMode(2).replyTo(replies).build();
        long[] out = new long[count];
        for (int k = 0; k < count; k++) {
            long start = System.nanoTime();
            inFlight.acquire();
            publish.basicPublish("", queue, true, props, ByteBuffer.allocate(8).putLong(k).array());
            if (!received.tryAcquire(1, 1, TimeUnit.MINUTES)) {
                throw new IllegalStateException("baseline reply did not arrive");
            }
            out[k] = System.nanoTime() - start;
        }
        return out;
    }

    /**
     * What {@code mqpool bench --submitters} is compared with: {@code threads} threads, each making one round trip at
     * a time, {@code calls} in all; returns all calls per second.
     */
    public double callsPerSec(int threads, int calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads, new NamedThreadFactory("mqpool-bench-raw-caller", true));
        try {
            List<Future<?>> done = new ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                int first = t;
                done.add(pool.submit(() -> {
                    for (int k = first; k < calls; k += threads) {
                        call(k);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            return calls / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    private void call(long k) throws Exception {
        String id = "c" + callIds.incrementAndGet();
        CompletableFuture<Void> answered = new CompletableFuture<>();
        callers.put(id, answered);
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().deliveryMode(2).replyTo(replies)
                .correlationId(id).build();
        inFlight.acquire();
        synchronized (publish) {
            publish.basicPublish("", queue, true, props, ByteBuffer.allocate(8).putLong(k).array());
        }
        answered.get(1, TimeUnit.MINUTES);
        received.acquire();  // the reply's count, taken as its caller's
    }

    @Override
    public void close() throws Exception {
        try (Channel c = connection.createChannel()) {
            c.queueDelete(replies);
            for (String q : Topology.taskQueueFamily(queue)) {
                c.queueDelete(q);
            }
        }
        connection.close();
    }

}
