package io.mqpool.cli.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.mqpool.amqp.Connections;
import io.mqpool.amqp.NamedThreadFactory;
import io.mqpool.config.BrokerAddress;
import io.mqpool.config.ConnectionSettings;
import io.mqpool.launch.WorkerJvm;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;

/**
 * The baseline's consumer: plain amqp-client, no mqpool, tuned as a careful user would tune it. It echoes each
 * message to its reply_to, persistent with publisher confirms, and acknowledges the original once the echo is
 * confirmed, as a worker does; a confirm that covers several echoes ({@code multiple}) acknowledges their
 * originals with one {@code multiple} ack. Its prefetch is the bench's {@code --raw-prefetch}.
 * Run as its own JVM by {@code mqpool bench}; the broker URL comes from {@code MQPOOL_URL}, a CA file for
 * {@code amqps://} from {@code MQPOOL_TLS_CA}, and it connects as mqpool does (no trust-all TLS).
 */
public final class RawEcho {
    private RawEcho() {
    }

    public static void main(String[] args) throws Exception {
        String queue = args[0];
        int prefetch = Integer.parseInt(args[1]);
        String ca = System.getenv(ConnectionSettings.ENV_TLS_CA);
        ConnectionSettings settings = ConnectionSettings.of(System.getenv(BrokerAddress.ENV_URL))
                .withTlsCaFile(ca == null ? null : Path.of(ca));
        CountDownLatch stop = new CountDownLatch(1);
        io.mqpool.clisupport.Signals.onTerminate(stop::countDown);
        try (Connection connection = Connections.open(settings, "mqpool-bench-raw-echo",
                new NamedThreadFactory("mqpool-raw-echo", true))) {
            Channel in = connection.createChannel();
            Channel out = connection.createChannel();
            out.confirmSelect();
            ConcurrentNavigableMap<Long, Long> pending = new ConcurrentSkipListMap<>();
            out.addConfirmListener((seq, multiple) -> {
                // Echoes are published in delivery order on one channel, so the highest tag covers the rest.
                long highest = -1;
                for (long tag : take(pending, seq, multiple)) {
                    highest = Math.max(highest, tag);
                }
                if (highest >= 0) {
                    in.basicAck(highest, multiple);
                }
            }, (seq, multiple) -> {
                for (long tag : take(pending, seq, multiple)) {
                    in.basicNack(tag, false, true);
                }
            });
            in.basicQos(prefetch);
            in.basicConsume(queue, false, new DefaultConsumer(in) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body)
                        throws IOException {
                    AMQP.BasicProperties reply = new AMQP.BasicProperties.Builder().deliveryMode(2)
                            .correlationId(props.getCorrelationId()).build();
                    synchronized (out) {
                        pending.put(out.getNextPublishSeqNo(), envelope.getDeliveryTag());
                        out.basicPublish("", props.getReplyTo(), reply, body);
                    }
                }
            });
            System.out.println(WorkerJvm.READY_MARKER + " raw-echo");
            System.out.flush();
            stop.await();
        }
    }

    static Iterable<Long> take(ConcurrentNavigableMap<Long, Long> pending, long seq, boolean multiple) {
        if (!multiple) {
            Long tag = pending.remove(seq);
            return tag == null ? java.util.List.of() : java.util.List.of(tag);
        }
        ConcurrentNavigableMap<Long, Long> head = pending.headMap(seq, true);
        java.util.List<Long> tags = new java.util.ArrayList<>(head.values());
        head.clear();
        return tags;
    }
}
