package io.mqpool.amqp;

/** What the broker did with a published message. */
public enum PublishResult {
    /** A queue took the message, and the broker confirmed it. */
    CONFIRMED,
    /** A mandatory message no queue took: the broker returned it (its queue does not exist), then confirmed it. */
    RETURNED
}
