package io.mqpool.producer;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DeliverCallback;
import io.mqpool.amqp.Topology;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.MalformedMessageException;
import io.mqpool.protocol.WorkerEvent;
import io.mqpool.testing.RawClient;
import io.mqpool.testing.TestBroker;
import io.mqpool.testing.WorkerProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Worker events (docs/PROTOCOL.md §17) from real worker JVMs, read as a listener should: a server-named, exclusive,
 * auto-delete queue with a message TTL, bound to {@code mqpool.events}. Other tests' workers publish there too, so
 * only the events of this test's queue count.
 */
@Timeout(120)
class WorkerEventsIT {
    private static final Duration INTERVAL = Duration.ofMillis(500);

    private final String queue = TestBroker.uniqueName("it.events");
    private final Codec codec = Codec.defaults();
    private final List<WorkerEvent> events = new CopyOnWriteArrayList<>();
    private final List<WorkerProcess> workers = new CopyOnWriteArrayList<>();
    private final List<String> properties = new CopyOnWriteArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (WorkerProcess w : workers) {
            w.close();
        }
        try (RawClient client = new RawClient()) {
            client.deleteTaskQueues(queue);
        }
    }

    /** Binds a listener queue as §17 says, and collects the events of this test's queue. */
    private RawClient listen() throws Exception {
        RawClient client = new RawClient();
        Channel channel = client.channel();
        channel.exchangeDeclare(Topology.EVENTS_EXCHANGE, "topic", true);
        String q = channel.queueDeclare("", false, true, true, Map.of("x-message-ttl", 10_000, "x-expires", 60_000))
                .getQueue();
        channel.queueBind(q, Topology.EVENTS_EXCHANGE, "worker.*");
        DeliverCallback onEvent = (tag, delivery) -> {
            AMQP.BasicProperties props = delivery.getProperties();
            WorkerEvent e;
            try {
                e = codec.decodeEvent(delivery.getBody());
            } catch (MalformedMessageException malformed) {
                return;  // another test's bad input: an exception here would close the listener's channel
            }
            if (e.queues().contains(queue)) {
                // Checked at the end: an assertion thrown here would only close the consumer's channel.
                properties.add(props.getDeliveryMode() + " " + props.getContentType() + " "
                        + (Long.parseLong(props.getExpiration()) == 3 * e.intervalMs()) + " "
                        + delivery.getEnvelope().getRoutingKey().equals(e.routingKey()));
                events.add(e);
            }
        };
        channel.basicConsume(q, true, onEvent, tag -> { });
        return client;
    }

    private WorkerProcess worker(String id, int concurrency) throws Exception {
        WorkerProcess w = WorkerProcess.start(TestBroker.url(), queue, "--id", id, "--concurrency", "" + concurrency,
                "--heartbeat-interval", INTERVAL.toMillis() + "ms");
        workers.add(w);
        return w;
    }

    private List<WorkerEvent> of(String worker, String type) {
        return events.stream().filter(e -> e.worker().equals(worker) && e.type().equals(type)).toList();
    }

    @Test
    void twoWorkersAnnounceThemselvesBeatAndAreGoneAfterAKillOrAStop() throws Exception {
        String a = queue + "-a";
        String b = queue + "-b";
        try (RawClient listener = listen()) {
            long started = System.nanoTime();
            WorkerProcess killed = worker(a, 2);
            WorkerProcess stopped = worker(b, 3);
            killed.awaitReady(Duration.ofSeconds(60));
            stopped.awaitReady(Duration.ofSeconds(60));
            Awaitility.await("online and heartbeats of both").atMost(Duration.ofSeconds(5))
                    .until(() -> !of(a, WorkerEvent.ONLINE).isEmpty() && !of(b, WorkerEvent.ONLINE).isEmpty()
                            && !of(a, WorkerEvent.HEARTBEAT).isEmpty() && !of(b, WorkerEvent.HEARTBEAT).isEmpty());
            WorkerEvent online = of(a, WorkerEvent.ONLINE).get(0);
            assertThat(online.concurrency()).isEqualTo(2);
            assertThat(online.queues()).containsExactly(queue);
            assertThat(online.pid()).isEqualTo(killed.pid());
            assertThat(online.intervalMs()).isEqualTo(INTERVAL.toMillis());
            assertThat(online.version()).isNotBlank().isNotEqualTo("unknown");
            assertThat(online.host()).isNotBlank();
            assertThat(online.v()).isEqualTo(WorkerEvent.VERSION);
            assertThat(of(b, WorkerEvent.HEARTBEAT).get(0).concurrency()).isEqualTo(3);
            assertThat(of(b, WorkerEvent.HEARTBEAT).get(0).uptimeMs()).isPositive()
                    .isLessThan(Duration.ofNanos(System.nanoTime() - started).toMillis() + 1_000);

            killed.kill();
            killed.waitForExit(Duration.ofSeconds(10));
            int heard = events.size();
            WorkerEvent last = latest(a);
            // The listener counts a worker gone 3 intervals after its last event: wait past that, and see that
            // nothing newer came from the killed one while the other still beats.
            Awaitility.await("the killed worker's expiry").atMost(Duration.ofSeconds(10))
                    .until(() -> System.currentTimeMillis() > last.expiresAt() + INTERVAL.toMillis());
            assertThat(latest(a)).isEqualTo(last);
            assertThat(of(a, WorkerEvent.OFFLINE)).as("a SIGKILL leaves no offline event").isEmpty();
            assertThat(events.subList(heard, events.size())).extracting(WorkerEvent::worker).contains(b);
            assertThat(latest(b).expiresAt()).isGreaterThan(System.currentTimeMillis());

            stopped.terminate();
            assertThat(stopped.waitForExit(Duration.ofSeconds(30))).isZero();
            Awaitility.await("offline of the stopped worker").atMost(Duration.ofSeconds(5))
                    .until(() -> !of(b, WorkerEvent.OFFLINE).isEmpty());
            assertThat(latest(b).type()).isEqualTo(WorkerEvent.OFFLINE);
            assertThat(properties).as("transient JSON, a TTL of 3 intervals, routed worker.<type>")
                    .containsOnly("1 application/json true true");
        }
    }

    private WorkerEvent latest(String worker) {
        return events.stream().filter(e -> e.worker().equals(worker)).reduce((x, y) -> y).orElseThrow();
    }
}
