package io.mqpool.protocol;

/** Constants of the mqpool wire protocol; {@code docs/PROTOCOL.md} is the normative description. */
public final class Protocol {
    /** The protocol version written by this build: version 1 plus the compact chunk forms. */
    public static final int VERSION = 2;
    /** The oldest version this build still reads, and answers in kind. */
    public static final int MIN_VERSION = 1;
    /** The content type of every task and result body. */
    public static final String CONTENT_TYPE = "application/json";
    /** Header on a result naming the worker that produced it. */
    public static final String HEADER_WORKER = "mqpool-worker";
    /** Header on a result echoing the message id of the task message it answers. */
    public static final String HEADER_IN_REPLY_TO = "mqpool-in-reply-to";
    /** Header that quorum queues set on redelivered messages: the number of earlier deliveries. */
    public static final String HEADER_DELIVERY_COUNT = "x-delivery-count";
    /** Header a worker sets when it moves a task message to the solo queue: its deliveries before the move. */
    public static final String HEADER_EARLIER_DELIVERIES = "mqpool-earlier-deliveries";
    /** Header a worker sets on the copy of a task message it sends for a retry: the attempt the copy runs, from 2. */
    public static final String HEADER_ATTEMPT = "mqpool-attempt";

    private Protocol() {
    }
}
