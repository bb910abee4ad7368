package io.mqpool.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Method;
import com.rabbitmq.client.ShutdownSignalException;
import io.mqpool.RootCause;

/** Turns the client's exceptions into {@link BrokerOperationException}s classified by the broker's reply code. */
final class BrokerErrors {
    private BrokerErrors() {
    }

    /** {@code e}, the failure of {@code operation}, with the reply code of the broker's close if it sent one. */
    static BrokerOperationException translate(String operation, Throwable e) {
        if (e instanceof BrokerOperationException done) {
            return done;
        }
        ShutdownSignalException sse = shutdownIn(e);
        if (sse != null) {
            BrokerOperationException closed = closed(sse);
            if (closed.replyCode() != 0) {
                return new BrokerOperationException(operation + ": " + closed.replyText(), closed.replyCode(),
                        closed.replyText(), closed.connectionLevel(), e);
            }
        }
        return new BrokerOperationException(operation + ": " + RootCause.message(e), 0, null, false, e);
    }

    /** Why a channel or connection closed, as the broker's reply code and text. */
    static BrokerOperationException closed(ShutdownSignalException sse) {
        Method reason = sse.getReason();
        if (reason instanceof AMQP.Channel.Close close) {
            return new BrokerOperationException("broker closed the channel: " + close.getReplyText(),
                    close.getReplyCode(), close.getReplyText(), false, sse);
        }
        if (reason instanceof AMQP.Connection.Close close) {
            return new BrokerOperationException("broker closed the connection: " + close.getReplyText(),
                    close.getReplyCode(), close.getReplyText(), true, sse);
        }
        return new BrokerOperationException(String.valueOf(sse.getMessage()), 0, null, sse.isHardError(), sse);
    }

    /** The first {@link ShutdownSignalException} in {@code e}'s cause chain, or null. */
    static ShutdownSignalException shutdownIn(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ShutdownSignalException sse) {
                return sse;
            }
        }
        return null;
    }

    /** The reply code of the first broker close or {@link BrokerOperationException} in {@code e}'s cause chain. */
    static ReplyCode codeIn(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BrokerOperationException b && b.replyCode() != 0) {
                return b.code();
            }
            if (t instanceof ShutdownSignalException sse) {
                return closed(sse).code();
            }
        }
        return ReplyCode.NONE;
    }

    /** The broker's reply text in {@code e}'s cause chain, or null. */
    static String replyTextIn(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BrokerOperationException b && b.replyText() != null) {
                return b.replyText();
            }
            if (t instanceof ShutdownSignalException sse) {
                return closed(sse).replyText();
            }
        }
        return null;
    }
}
