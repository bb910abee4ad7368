package io.mqpool.amqp;

import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads the first messages of a queue without removing them: it consumes with manual acknowledgement and a prefetch
 * of the limit, holds what it received unacknowledged, and on {@link #close()} hands back everything it did not
 * {@link #remove} (one {@code basic.nack} with requeue for all). AMQP 0-9-1 has no peek, so reading costs this:
 * the messages come back flagged redelivered, and a quorum queue counts the return as a delivery
 * ({@code x-delivery-count}; RabbitMQ 4.3 and later no longer count a nack), while their order is kept. Nothing
 * else may consume the queue meanwhile, or the two readers split its messages. Not thread-safe.
 *
 * <p>The broker applies a hand-back after it confirms the nack (a quorum queue, through its log), so {@code close}
 * waits, up to {@link #HAND_BACK_WAIT}, until the queue counts them ready again: a command run next then sees them.
 */
public final class MessageBrowser implements AutoCloseable {
    /** The most messages one browser holds: AMQP's prefetch limit. */
    public static final int MAX_LIMIT = 65_535;

    /** The longest {@link #close()} waits for the queue to count the handed-back messages. */
    public static final Duration HAND_BACK_WAIT = Duration.ofSeconds(5);

    private static final long HAND_BACK_POLL_MILLIS = 10;

    /**
     * One held message.
     *
     * @param position 1 for the head of the queue, in the order received
     */
    public record Message(int position, MessageProperties properties, byte[] body, boolean redelivered, long tag) {
    }

    private final Channel channel;
    private final String queue;
    private final List<Message> messages;
    private final long readyAtOpen;
    private final AtomicBoolean closed = new AtomicBoolean();
    private int removed;

    private MessageBrowser(Channel channel, String queue, List<Message> messages, long readyAtOpen) {
        this.channel = channel;
        this.queue = queue;
        this.messages = List.copyOf(messages);
        this.readyAtOpen = readyAtOpen;
    }

    /**
     * Takes up to {@code limit} messages from the head of {@code queue}, waiting at most {@code wait} for the ones
     * the queue reported ready.
     *
     * @throws BrokerOperationException when the queue does not exist ({@link ReplyCode#NOT_FOUND}) or the broker
     *     refuses
     */
    public static MessageBrowser open(BrokerConnection connection, String queue, int limit, Duration wait) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", got " + limit);
        }
        Channel channel = null;
        try {
            channel = connection.createChannel();
            long ready = channel.queueDeclarePassive(queue).getMessageCount();
            long expected = Math.min(limit, ready);
            BlockingQueue<com.rabbitmq.client.Delivery> arrived = new LinkedBlockingQueue<>();
            channel.basicQos(limit);
            String tag = channel.basicConsume(queue, false, (t, d) -> arrived.add(d), t -> { });
            List<Message> messages = new ArrayList<>();
            long deadline = System.nanoTime() + wait.toNanos();
            while (messages.size() < expected) {
                com.rabbitmq.client.Delivery d = arrived.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (d == null) {
                    break;
                }
                messages.add(message(messages.size() + 1, d));
            }
            channel.basicCancel(tag);
            // What arrived between the count and the cancel is held too, and handed back on close.
            return new MessageBrowser(channel, queue, messages, ready);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(channel);
            throw new BrokerOperationException("interrupted while reading queue '" + queue + "'", 0, null, false, e);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw BrokerErrors.translate("cannot read queue '" + queue + "'", e);
        }
    }

    private static Message message(int position, com.rabbitmq.client.Delivery d) {
        return new Message(position, AmqpProperties.fromBasic(d.getProperties()), d.getBody(),
                d.getEnvelope().isRedeliver(), d.getEnvelope().getDeliveryTag());
    }

    private static void closeQuietly(Channel channel) {
        if (channel != null) {
            Channels.closeQuietly(channel, "browser");
        }
    }

    /** The messages held, head first. */
    public List<Message> messages() {
        return messages;
    }

    /** The queue read. */
    public String queue() {
        return queue;
    }

    /**
     * Removes one held message from the queue (acknowledges it).
     *
     * @throws BrokerOperationException when the channel is gone (the message then stays in the queue)
     */
    public void remove(Message message) {
        try {
            channel.basicAck(message.tag(), false);
            removed++;
        } catch (IOException | RuntimeException e) {
            throw BrokerErrors.translate("cannot remove a message from queue '" + queue + "'", e);
        }
    }

    /** Hands back every message not removed, in their order, and closes the channel. Idempotent. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        try {
            if (channel.isOpen()) {
                channel.basicNack(0, true, true);
                awaitHandedBack();
            }
        } catch (IOException | RuntimeException e) {
            // Closing the channel hands them back as well.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(channel);
    }

    /**
     * Waits until the queue counts at least what it had ready at open, less what was removed. New arrivals only
     * raise the count, so this never waits on them; a queue at its length limit may drop instead, hence the bound.
     */
    private void awaitHandedBack() throws IOException, InterruptedException {
        long expected = readyAtOpen - removed;
        long deadline = System.nanoTime() + HAND_BACK_WAIT.toNanos();
        while (channel.queueDeclarePassive(queue).getMessageCount() < expected && System.nanoTime() < deadline) {
            Thread.sleep(HAND_BACK_POLL_MILLIS);
        }
    }
}
