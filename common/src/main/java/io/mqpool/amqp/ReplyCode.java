package io.mqpool.amqp;

/** The AMQP 0-9-1 reply codes a broker closes a channel or connection with. */
public enum ReplyCode {
    /** No reply code: the operation failed without a close from the broker (a lost link, say). */
    NONE(0),
    CONTENT_TOO_LARGE(311),
    NO_ROUTE(312),
    NO_CONSUMERS(313),
    CONNECTION_FORCED(320),
    INVALID_PATH(402),
    ACCESS_REFUSED(403),
    NOT_FOUND(404),
    RESOURCE_LOCKED(405),
    PRECONDITION_FAILED(406),
    FRAME_ERROR(501),
    SYNTAX_ERROR(502),
    COMMAND_INVALID(503),
    CHANNEL_ERROR(504),
    UNEXPECTED_FRAME(505),
    RESOURCE_ERROR(506),
    NOT_ALLOWED(530),
    NOT_IMPLEMENTED(540),
    INTERNAL_ERROR(541),
    /** A code this enum does not name; see {@link BrokerOperationException#replyCode()}. */
    OTHER(-1);

    private final int value;

    ReplyCode(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    /** The constant for {@code code}: {@link #NONE} for 0, {@link #OTHER} for a code not listed. */
    public static ReplyCode of(int code) {
        for (ReplyCode c : values()) {
            if (c.value == code) {
                return c;
            }
        }
        return OTHER;
    }
}
