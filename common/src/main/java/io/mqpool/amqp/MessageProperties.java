package io.mqpool.amqp;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The AMQP basic properties of a message, as published or received. Header values are what the client decodes
 * (numbers, booleans, lists, maps, byte arrays), with every string as a {@link String}.
 *
 * @param deliveryMode 1 transient, 2 persistent, or null
 * @param priority 0..255, or null
 */
public record MessageProperties(
        String contentType,
        String contentEncoding,
        Map<String, Object> headers,
        Integer deliveryMode,
        Integer priority,
        String correlationId,
        String replyTo,
        String expiration,
        String messageId,
        Instant timestamp,
        String type,
        String userId,
        String appId,
        String clusterId) {
    /** No property set. */
    public static final MessageProperties EMPTY = new MessageProperties(null, null, Map.of(), null, null, null, null,
            null, null, null, null, null, null, null);
    public static final int PERSISTENT = 2;

    public MessageProperties {
        headers = headers == null || headers.isEmpty() ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        if (deliveryMode != null && deliveryMode != 1 && deliveryMode != PERSISTENT) {
            throw new IllegalArgumentException("delivery mode must be 1 or 2, got " + deliveryMode);
        }
        if (priority != null && (priority < 0 || priority > 255)) {
            throw new IllegalArgumentException("priority must be 0..255, got " + priority);
        }
    }

    /** A persistent message of the given content type, nothing else set. */
    public static MessageProperties persistent(String contentType) {
        return EMPTY.withContentType(contentType).withDeliveryMode(PERSISTENT);
    }

    /** The header's value, or null. */
    public Object header(String name) {
        return headers.get(name);
    }

    public MessageProperties withContentType(String value) {
        return new MessageProperties(value, contentEncoding, headers, deliveryMode, priority, correlationId, replyTo,
                expiration, messageId, timestamp, type, userId, appId, clusterId);
    }

    public MessageProperties withDeliveryMode(Integer value) {
        return new MessageProperties(contentType, contentEncoding, headers, value, priority, correlationId, replyTo,
                expiration, messageId, timestamp, type, userId, appId, clusterId);
    }

    public MessageProperties withHeaders(Map<String, Object> value) {
        return new MessageProperties(contentType, contentEncoding, value, deliveryMode, priority, correlationId, replyTo,
                expiration, messageId, timestamp, type, userId, appId, clusterId);
    }

    public MessageProperties withCorrelationId(String value) {
        return new MessageProperties(contentType, contentEncoding, headers, deliveryMode, priority, value, replyTo,
                expiration, messageId, timestamp, type, userId, appId, clusterId);
    }

    public MessageProperties withReplyTo(String value) {
        return new MessageProperties(contentType, contentEncoding, headers, deliveryMode, priority, correlationId, value,
                expiration, messageId, timestamp, type, userId, appId, clusterId);
    }

    public MessageProperties withMessageId(String value) {
        return new MessageProperties(contentType, contentEncoding, headers, deliveryMode, priority, correlationId, replyTo,
                expiration, value, timestamp, type, userId, appId, clusterId);
    }
}
