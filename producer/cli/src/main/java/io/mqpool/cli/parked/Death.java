package io.mqpool.cli.parked;

import java.util.List;
import java.util.Map;

/**
 * Why and where the broker last dead-lettered a message, from the headers it adds: {@code x-last-death-reason} and
 * {@code x-last-death-queue} (RabbitMQ 3.13+), else the first entry of {@code x-death} (most recent first), else
 * {@code x-first-death-reason} and {@code x-first-death-queue}.
 *
 * @param reason {@code rejected}, {@code delivery_limit}, {@code expired}, {@code maxlen}, or null when unknown
 * @param queue the queue it died in, or null when unknown
 * @param count how often it died there for that reason, 0 when unknown
 */
record Death(String reason, String queue, long count) {
    static final Death UNKNOWN = new Death(null, null, 0);

    static Death of(Map<String, Object> headers) {
        Map<?, ?> latest = headers.get("x-death") instanceof List<?> deaths && !deaths.isEmpty()
                && deaths.get(0) instanceof Map<?, ?> m ? m : Map.of();
        String reason = text(headers.get("x-last-death-reason"), latest.get("reason"),
                headers.get("x-first-death-reason"));
        String queue = text(headers.get("x-last-death-queue"), latest.get("queue"), headers.get("x-first-death-queue"));
        long count = latest.get("count") instanceof Number n ? n.longValue() : 0;
        return reason == null && queue == null ? UNKNOWN : new Death(reason, queue, count);
    }

    private static String text(Object... candidates) {
        for (Object c : candidates) {
            if (c != null && !String.valueOf(c).isBlank()) {
                return String.valueOf(c);
            }
        }
        return null;
    }

    /**
     * The task queue the message belongs to: the queue it died in, or the task queue of a solo or retry queue it
     * died in; null when unknown.
     */
    String taskQueue() {
        if (queue == null) {
            return null;
        }
        if (queue.endsWith(".solo")) {
            return queue.substring(0, queue.length() - ".solo".length());
        }
        int retry = queue.lastIndexOf(".retry.");
        if (retry > 0 && queue.substring(retry + ".retry.".length()).matches("\\d+")) {
            return queue.substring(0, retry);
        }
        return queue;
    }

    /** For lists: {@code rejected in q (x2)}. */
    String summary() {
        if (this == UNKNOWN) {
            return "no dead-letter headers";
        }
        return (reason == null ? "dead-lettered" : reason) + (queue == null ? "" : " in " + queue)
                + (count > 1 ? " (x" + count + ")" : "");
    }
}
