package io.mqpool.cli.parked;

import io.mqpool.amqp.MessageProperties;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.MalformedMessageException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether and where a parked message can go back: to the task queue it died in, with its properties and its
 * headers minus those of dead-lettering ({@code x-*}) and of earlier runs ({@code mqpool-earlier-deliveries}), plus
 * {@code mqpool-replays}. A message that a worker would only reject again (no {@code reply_to}, a body that is not
 * a task message) is refused, as is one whose origin the headers do not tell.
 *
 * @param target the task queue to publish to, null when refused
 * @param refusal why it cannot be replayed, null when it can
 */
record ReplayPlan(String target, MessageProperties properties, String refusal) {
    /** The header counting replays of a message. */
    static final String REPLAYS = "mqpool-replays";
    private static final String EARLIER_DELIVERIES = "mqpool-earlier-deliveries";

    static ReplayPlan refused(String why) {
        return new ReplayPlan(null, null, why);
    }

    static ReplayPlan of(MessageProperties p, byte[] body, Codec codec) {
        Death death = Death.of(p.headers());
        String target = death.taskQueue();
        if (target == null) {
            return refused("its headers do not tell which queue it came from (no x-death)");
        }
        if (p.replyTo() == null || p.replyTo().isBlank()) {
            return refused("it has no reply_to, so a worker would reject it again");
        }
        try {
            codec.decodeTask(body);
        } catch (MalformedMessageException e) {
            return refused("its body is not a task message a worker can run (MALFORMED: " + e.getMessage() + ")");
        }
        Map<String, Object> headers = new LinkedHashMap<>();
        p.headers().forEach((name, value) -> {
            if (!name.startsWith("x-") && !name.equals(EARLIER_DELIVERIES) && !name.equals(REPLAYS)) {
                headers.put(name, value);
            }
        });
        long replays = p.header(REPLAYS) instanceof Number n ? n.longValue() : 0;
        headers.put(REPLAYS, replays + 1);
        return new ReplayPlan(target, p.withHeaders(headers), null);
    }

    boolean replayable() {
        return refusal == null;
    }
}
