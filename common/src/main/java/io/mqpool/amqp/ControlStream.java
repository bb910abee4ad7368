package io.mqpool.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.mqpool.config.ConnectionSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job-control stream {@value #NAME} (PROTOCOL.md §18): a RabbitMQ stream, so every reader sees every record
 * still retained, from the start, however late it comes; records older than {@link #MAX_AGE} are dropped by the
 * broker. Knows bytes only; the records are {@code io.mqpool.protocol.ControlRecord}s.
 */
public final class ControlStream {
    private static final Logger log = LoggerFactory.getLogger(ControlStream.class);
    public static final String NAME = "mqpool.control";
    /** How long the stream keeps a record: {@code x-max-age}, which the broker applies per segment. */
    public static final Duration MAX_AGE = Duration.ofDays(7);
    /** The stream's {@code x-max-age} argument. */
    public static final String MAX_AGE_ARGUMENT = "7D";
    /** Records a reader holds unacknowledged: RabbitMQ requires a prefetch (and manual acks) to consume a stream. */
    public static final int PREFETCH = 256;
    /** A record's properties: persistent JSON. */
    private static final AMQP.BasicProperties RECORD = new AMQP.BasicProperties.Builder()
            .contentType("application/json").deliveryMode(2).build();
    private static final int ATTEMPTS = 3;
    private static final Duration RETRY_PAUSE = Duration.ofMillis(200);
    /**
     * The stream's size bound, about 25,000 records: every starting worker reads all of it, and RabbitMQ 3.10 hands
     * a reader about 6,000 records a second (one chunk each), so this is about 4 s of a worker's start at most.
     * Retention drops whole segments, hence the small segments.
     */
    public static final long MAX_LENGTH_BYTES = 5_000_000;
    private static final long SEGMENT_BYTES = 1_000_000;
    private static final Map<String, Object> ARGUMENTS = Map.of("x-queue-type", "stream", "x-max-age",
            MAX_AGE_ARGUMENT, "x-max-length-bytes", MAX_LENGTH_BYTES, "x-stream-max-segment-size-bytes",
            SEGMENT_BYTES);

    /** Where a reader starts. */
    public enum From {
        /** The oldest record retained. */
        FIRST("first"),
        /** Only records appended after it subscribed. */
        NEXT("next");

        private final String offset;

        From(String offset) {
            this.offset = offset;
        }
    }

    /** A reader of the stream; closing it cancels the consumer and closes its channel. */
    public interface Subscription extends AutoCloseable {
        /** Completes when the reader has read its marker: every record appended before it has been read. */
        CompletableFuture<Void> caughtUp();

        @Override
        void close();
    }

    private ControlStream() {
    }

    /**
     * Declares the stream unless it exists (an existing one is used as it is).
     *
     * @throws BrokerOperationException when the broker refuses
     */
    public static void ensure(BrokerConnection connection) {
        try {
            Channel probe = connection.createChannel();
            try {
                probe.queueDeclarePassive(NAME);
                return;
            } catch (IOException missing) {
                // 404: the broker closed the probe channel; declare it below.
            } finally {
                closeIfOpen(probe);
            }
            Channel channel = connection.createChannel();
            try {
                channel.queueDeclare(NAME, true, false, false, ARGUMENTS);
            } finally {
                closeIfOpen(channel);
            }
        } catch (IOException | RuntimeException e) {
            throw BrokerErrors.translate("cannot declare the control stream '" + NAME + "'", e);
        }
    }

    /**
     * As {@link #subscribe}, on a connection of its own named {@code name}, which closing the subscription closes;
     * declares the stream first when it is missing. RabbitMQ 3.10 may answer a stream's reader, or two clients that
     * declare a new stream at once, by closing the whole connection ({@code 541 INTERNAL_ERROR}, seen in CI while a
     * cluster's nodes restarted), which must not take a worker's or a pool's connection down with it. Tried up to
     * {@value #ATTEMPTS} times when the broker closes the connection; a refusal on a channel is not tried again.
     *
     * @throws BrokerUnavailableException when the broker is unreachable or refuses us
     * @throws BrokerOperationException when the broker still refuses on the last try
     */
    public static Subscription follow(ConnectionSettings settings, String name, ThreadFactory threads, From from,
                                      byte[] marker, Consumer<byte[]> sink) {
        BrokerOperationException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            BrokerConnection connection = BrokerConnection.open(settings, name, threads);
            try {
                ensure(connection);
                Subscription reader = subscribe(connection, from, marker, sink);
                return new Subscription() {
                    @Override
                    public CompletableFuture<Void> caughtUp() {
                        return reader.caughtUp();
                    }

                    @Override
                    public void close() {
                        reader.close();
                        connection.close();
                    }
                };
            } catch (BrokerOperationException e) {
                connection.close();
                last = e;
                if (!e.connectionLevel()) {
                    throw e; // a refusal (no permission, say) is the same on every try
                }
            }
            try {
                Thread.sleep(RETRY_PAUSE.toMillis() * attempt);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw last;
    }

    /**
     * Appends one record (persistent, {@code application/json}) without waiting for the broker's confirm, which on a
     * stream waits for the write to reach the disk (tens of ms): for records that a lost broker may lose, as a job's
     * start and end. The channel's closing handshake has the broker take the record, or refuse it, before this
     * returns.
     *
     * @throws BrokerOperationException when the broker refuses
     */
    public static void append(BrokerConnection connection, byte[] body) {
        try {
            Channel channel = connection.createChannel();
            try {
                channel.basicPublish("", NAME, false, RECORD, body);
            } catch (IOException | RuntimeException e) {
                closeIfOpen(channel);
                throw e;
            }
            // Not quietly: a refusal of the publish (403) closes the channel before our close, which then throws it.
            channel.close();
        } catch (IOException | TimeoutException | RuntimeException e) {
            throw BrokerErrors.translate("cannot append to the control stream '" + NAME + "'", e);
        }
    }

    /**
     * Appends one record (persistent, {@code application/json}) and waits for the broker's confirm.
     *
     * @throws BrokerOperationException when it is not confirmed within {@code timeout}
     */
    public static void publish(BrokerConnection connection, byte[] body, Duration timeout) {
        try {
            Channel channel = connection.createChannel();
            try {
                channel.confirmSelect();
                channel.basicPublish("", NAME, false, RECORD, body);
                channel.waitForConfirmsOrDie(timeout.toMillis());
            } finally {
                closeIfOpen(channel);
            }
        } catch (IOException | InterruptedException | TimeoutException | RuntimeException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw BrokerErrors.translate("cannot append to the control stream '" + NAME + "'", e);
        }
    }

    /**
     * Reads the stream from {@code from} on a channel of its own, handing each record's body to {@code sink} on the
     * connection's consumer thread (so {@code sink} must be quick and must not throw). When {@code marker} is not
     * null it is appended once the reader consumes, and {@link Subscription#caughtUp()} completes when it comes
     * back; it is not handed to {@code sink}. The marker is not confirmed: the reader seeing it is the proof, and a
     * stream's confirm waits for the disk (tens of ms on every worker's start). After a lost connection the client
     * subscribes again from the same place, so a reader from {@link From#FIRST} sees records again: {@code sink} must
     * be idempotent.
     */
    public static Subscription subscribe(BrokerConnection connection, From from, byte[] marker, Consumer<byte[]> sink) {
        CompletableFuture<Void> caughtUp = new CompletableFuture<>();
        Channel channel;
        try {
            channel = connection.createChannel();
            channel.basicQos(PREFETCH);
            Channel c = channel;
            channel.basicConsume(NAME, false, "mqpool-control", false, false, Map.of("x-stream-offset", from.offset),
                    new DefaultConsumer(channel) {
                        @Override
                        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties,
                                                   byte[] body) {
                            try {
                                if (marker != null && Arrays.equals(marker, body)) {
                                    caughtUp.complete(null);
                                } else {
                                    sink.accept(body);
                                }
                            } catch (RuntimeException e) {
                                log.warn("a control record could not be handled: {}", e.toString());
                            }
                            try {
                                c.basicAck(envelope.getDeliveryTag(), false);
                            } catch (IOException | RuntimeException e) {
                                log.debug("ack on the control stream failed: {}", e.toString());
                            }
                        }
                    });
        } catch (IOException | RuntimeException e) {
            throw BrokerErrors.translate("cannot read the control stream '" + NAME + "'", e);
        }
        Channel opened = channel;
        Subscription subscription = new Subscription() {
            @Override
            public CompletableFuture<Void> caughtUp() {
                return caughtUp;
            }

            @Override
            public void close() {
                closeIfOpen(opened);
            }
        };
        if (marker != null) {
            try {
                append(connection, marker);
            } catch (RuntimeException e) {
                subscription.close();
                throw e;
            }
        } else {
            caughtUp.complete(null);
        }
        return subscription;
    }

    private static void closeIfOpen(Channel channel) {
        Channels.closeQuietly(channel, "control stream");
    }
}
