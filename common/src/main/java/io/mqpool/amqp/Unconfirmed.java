package io.mqpool.amqp;

import com.rabbitmq.client.AMQP;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** The publishes of a {@link ConfirmingPublisher} awaiting their confirm, by publish sequence number. Thread-safe. */
final class Unconfirmed {
    /** One publish; {@code attempt} counts its nacks, {@code returned} that the broker returned it as unroutable. */
    record Publish(String queue, MessageProperties props, AMQP.BasicProperties basic, byte[] body, boolean mandatory,
                   CompletableFuture<PublishResult> future, int attempt, boolean returned) {
        Publish next(int nextAttempt, boolean nowReturned) {
            return new Publish(queue, props, basic, body, mandatory, future, nextAttempt, nowReturned);
        }
    }

    private final ConcurrentNavigableMap<Long, Publish> bySeq = new ConcurrentSkipListMap<>();

    void put(long seq, Publish p) {
        bySeq.put(seq, p);
    }

    void remove(long seq) {
        bySeq.remove(seq);
    }

    /** Removes and returns what a confirm of {@code seq} covers. */
    List<Publish> take(long seq, boolean multiple) {
        if (!multiple) {
            Publish p = bySeq.remove(seq);
            return p == null ? List.of() : List.of(p);
        }
        ConcurrentNavigableMap<Long, Publish> head = bySeq.headMap(seq, true);
        List<Publish> taken = new ArrayList<>(head.values());
        head.clear();
        return taken;
    }

    /** Removes and returns everything, oldest first. */
    List<Publish> drain() {
        List<Publish> taken = new ArrayList<>();
        for (Map.Entry<Long, Publish> e = bySeq.pollFirstEntry(); e != null; e = bySeq.pollFirstEntry()) {
            taken.add(e.getValue());
        }
        return taken;
    }

    /**
     * The broker returns an unroutable mandatory message before confirming it, in publish order: the returned
     * message is the oldest unconfirmed, not yet returned mandatory publish to that queue with its message id.
     */
    void markReturned(String routingKey, String messageId) {
        for (Map.Entry<Long, Publish> e : bySeq.entrySet()) {
            Publish p = e.getValue();
            if (p.mandatory() && !p.returned() && p.queue().equals(routingKey)
                    && Objects.equals(p.props().messageId(), messageId)) {
                bySeq.replace(e.getKey(), p, p.next(p.attempt(), true));
                return;
            }
        }
    }
}
