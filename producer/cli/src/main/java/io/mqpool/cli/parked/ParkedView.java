package io.mqpool.cli.parked;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mqpool.amqp.MessageBrowser;
import io.mqpool.amqp.MessageProperties;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.MalformedMessageException;
import io.mqpool.protocol.TaskMessage;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Writes parked messages as JSON: a one-line summary for lists, everything for {@code show}. */
final class ParkedView {
    private final Codec codec;

    ParkedView(Codec codec) {
        this.codec = codec;
    }

    /** The id a parked message is named by: its {@code message_id}, else {@code #<position>}. */
    static String id(MessageBrowser.Message m) {
        String id = m.properties().messageId();
        return id == null || id.isBlank() ? "#" + m.position() : id;
    }

    /** One line: position, id, job, task, items, why it died, size, and whether it can be replayed. */
    ObjectNode summary(MessageBrowser.Message m) {
        ObjectNode o = codec.mapper().createObjectNode();
        o.put("position", m.position());
        o.put("id", id(m));
        TaskMessage task = decodeOrNull(m.body());
        o.put("job", task != null ? task.job() : m.properties().correlationId());
        o.put("task", task == null ? null : task.task());
        o.put("items", task == null ? null : task.items().size());
        Death death = Death.of(m.properties().headers());
        o.put("reason", death.reason());
        o.put("diedIn", death.queue());
        o.put("deaths", death.summary());
        o.put("replyTo", m.properties().replyTo());
        o.put("bytes", m.body().length);
        Object deliveries = m.properties().header("x-delivery-count");
        o.put("deliveries", deliveries instanceof Number n ? n.longValue() : 0);
        ReplayPlan plan = ReplayPlan.of(m.properties(), m.body(), codec);
        o.put("replayable", plan.replayable());
        o.put("notReplayable", plan.refusal());
        return o;
    }

    /** Everything: properties, every header (x-death included) and the body (as JSON when it is JSON). */
    ObjectNode full(MessageBrowser.Message m) {
        ObjectNode o = codec.mapper().createObjectNode();
        o.put("position", m.position());
        o.put("id", id(m));
        MessageProperties p = m.properties();
        ObjectNode props = o.putObject("properties");
        props.put("messageId", p.messageId());
        props.put("correlationId", p.correlationId());
        props.put("replyTo", p.replyTo());
        props.put("contentType", p.contentType());
        props.put("contentEncoding", p.contentEncoding());
        props.put("deliveryMode", p.deliveryMode());
        props.put("priority", p.priority());
        props.put("expiration", p.expiration());
        props.put("timestamp", p.timestamp() == null ? null : p.timestamp().toString());
        props.put("type", p.type());
        props.put("userId", p.userId());
        props.put("appId", p.appId());
        o.set("headers", codec.mapper().valueToTree(p.headers()));
        o.put("redelivered", m.redelivered());
        o.put("bytes", m.body().length);
        JsonNode body = jsonOrNull(m.body());
        if (body != null) {
            o.set("body", body);
        } else {
            o.put("bodyBase64", Base64.getEncoder().encodeToString(m.body()));
        }
        return o;
    }

    String line(JsonNode node) {
        try {
            return codec.mapper().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private TaskMessage decodeOrNull(byte[] body) {
        try {
            return codec.decodeTask(body);
        } catch (MalformedMessageException e) {
            return null;
        }
    }

    private JsonNode jsonOrNull(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try {
            return codec.readTree(new String(body, StandardCharsets.UTF_8));
        } catch (MalformedMessageException e) {
            return null;
        }
    }
}
