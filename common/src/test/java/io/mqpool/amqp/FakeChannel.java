package io.mqpool.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Consumer;
import com.rabbitmq.client.ShutdownListener;
import com.rabbitmq.client.ShutdownSignalException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/** A channel that records what is done to it; no broker. Each instance stands for one AMQP channel. */
final class FakeChannel {
    /** What basicPublish does: null to succeed, or an exception to throw. */
    Function<String, Exception> publishFailure = queue -> null;
    /** What basicConsume does: null to succeed, or an exception to throw. */
    Function<String, Exception> consumeFailure = queue -> null;
    final AtomicLong nextSeq = new AtomicLong(1);
    final List<String> published = new ArrayList<>();
    final List<Integer> qos = new ArrayList<>();
    final List<String> consumedTags = new ArrayList<>();
    final List<String> cancelledTags = new ArrayList<>();
    final List<String> settled = new ArrayList<>();
    final List<Consumer> consumers = new ArrayList<>();
    final List<ShutdownListener> shutdownListeners = new ArrayList<>();
    boolean open = true;
    final Channel channel;

    FakeChannel() {
        channel = (Channel) Proxy.newProxyInstance(Channel.class.getClassLoader(), new Class<?>[] {Channel.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getNextPublishSeqNo" -> nextSeq.get();
                    case "isOpen" -> open;
                    case "basicPublish" -> {
                        nextSeq.incrementAndGet();
                        Exception e = publishFailure.apply((String) args[1]);
                        if (e != null) {
                            throw e;
                        }
                        published.add((String) args[1]);
                        yield null;
                    }
                    case "basicQos" -> {
                        qos.add((Integer) args[0]);
                        yield null;
                    }
                    case "basicConsume" -> {
                        Exception e = consumeFailure.apply((String) args[0]);
                        if (e != null) {
                            throw e;
                        }
                        consumedTags.add((String) args[2]);
                        consumers.add((Consumer) args[args.length - 1]);
                        yield args[2];
                    }
                    case "basicCancel" -> {
                        cancelledTags.add((String) args[0]);
                        consumers.get(consumedTags.indexOf((String) args[0])).handleCancelOk((String) args[0]);
                        yield null;
                    }
                    case "basicAck" -> record("ack " + args[0] + ((Boolean) args[1] ? " multiple" : ""));
                    case "basicReject" -> record("reject " + args[0]);
                    case "basicNack" -> record("requeue " + args[0]);
                    case "addShutdownListener" -> {
                        shutdownListeners.add((ShutdownListener) args[0]);
                        yield null;
                    }
                    case "close" -> {
                        open = false;
                        yield null;
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "FakeChannel";
                    default -> null;
                });
    }

    private Object record(String what) {
        settled.add(what);
        return null;
    }

    Consumer lastConsumer() {
        return consumers.get(consumers.size() - 1);
    }

    /** The broker closes this channel with a reply code, as after a refused operation. */
    void closeByBroker(int replyCode, String replyText) {
        open = false;
        ShutdownSignalException cause = new ShutdownSignalException(false, false,
                new AMQP.Channel.Close.Builder().replyCode(replyCode).replyText(replyText).build(), channel);
        for (ShutdownListener l : List.copyOf(shutdownListeners)) {
            l.shutdownCompleted(cause);
        }
    }

    /** The connection is lost: a hard error, which the client recovers. */
    void loseConnection() {
        ShutdownSignalException cause = new ShutdownSignalException(true, false, null, channel);
        for (ShutdownListener l : List.copyOf(shutdownListeners)) {
            l.shutdownCompleted(cause);
        }
    }
}
