package io.mqpool.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.LongString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Converts between {@link MessageProperties} and the client's {@link AMQP.BasicProperties}. */
final class AmqpProperties {
    private AmqpProperties() {
    }

    static AMQP.BasicProperties toBasic(MessageProperties p) {
        return new AMQP.BasicProperties(p.contentType(), p.contentEncoding(), p.headers().isEmpty() ? null : p.headers(),
                p.deliveryMode(), p.priority(), p.correlationId(), p.replyTo(), p.expiration(), p.messageId(),
                p.timestamp() == null ? null : Date.from(p.timestamp()), p.type(), p.userId(), p.appId(), p.clusterId());
    }

    static MessageProperties fromBasic(AMQP.BasicProperties b) {
        if (b == null) {
            return MessageProperties.EMPTY;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> headers = b.getHeaders() == null ? null : (Map<String, Object>) plain(b.getHeaders());
        return new MessageProperties(b.getContentType(), b.getContentEncoding(), headers, b.getDeliveryMode(),
                b.getPriority(), b.getCorrelationId(), b.getReplyTo(), b.getExpiration(), b.getMessageId(),
                b.getTimestamp() == null ? null : b.getTimestamp().toInstant(), b.getType(), b.getUserId(),
                b.getAppId(), b.getClusterId());
    }

    /** {@code value} with every {@link LongString}, also in nested lists and tables, as a String. */
    static Object plain(Object value) {
        if (value instanceof LongString s) {
            return new String(s.getBytes(), StandardCharsets.UTF_8);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), plain(v)));
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(v -> copy.add(plain(v)));
            return copy;
        }
        return value;
    }
}
