package io.mqpool.amqp;

import io.mqpool.MqpoolException;

/**
 * A broker operation failed: the broker closed the channel or connection with a reply code (a refused declare,
 * a missing queue, a refused publish), or the link failed under it ({@link ReplyCode#NONE}).
 */
public final class BrokerOperationException extends MqpoolException {
    private final int replyCode;
    private final String replyText;
    private final boolean connectionLevel;

    /**
     * @param replyCode the broker's reply code, 0 when there is none
     * @param replyText the broker's reply text, e.g. {@code NOT_FOUND - no queue 'q' in vhost '/'}, or null
     * @param connectionLevel the broker closed the whole connection, not only the channel
     */
    public BrokerOperationException(String message, int replyCode, String replyText, boolean connectionLevel,
                                    Throwable cause) {
        super(message, cause);
        this.replyCode = replyCode;
        this.replyText = replyText;
        this.connectionLevel = connectionLevel;
    }

    /** The numeric reply code, 0 when the broker gave none. */
    public int replyCode() {
        return replyCode;
    }

    public ReplyCode code() {
        return ReplyCode.of(replyCode);
    }

    /** The broker's reply text, or null. */
    public String replyText() {
        return replyText;
    }

    public boolean connectionLevel() {
        return connectionLevel;
    }

    /**
     * Whether the broker closed the channel because a delivery stayed unacknowledged past its
     * {@code consumer_timeout}: RabbitMQ tells it only by the text of a {@code PRECONDITION_FAILED}.
     */
    public boolean consumerTimedOut() {
        String text = String.valueOf(replyText);
        return code() == ReplyCode.PRECONDITION_FAILED && text.contains("acknowledgement") && text.contains("timed out");
    }
}
