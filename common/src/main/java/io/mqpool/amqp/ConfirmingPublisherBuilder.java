package io.mqpool.amqp;

import io.mqpool.config.Durations;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/** Settings of a {@link ConfirmingPublisher}; defaults suit a producer. Not thread-safe. */
public final class ConfirmingPublisherBuilder {
    private final BrokerConnection connection;
    final String name;
    int maxUnconfirmed = ConfirmingPublisher.DEFAULT_MAX_UNCONFIRMED;
    int nackAttempts = 1;
    Duration nackBackoffFirst = Duration.ZERO;
    Duration nackBackoffMax = Duration.ZERO;
    ConfirmingPublisher.OnConnectionLoss onConnectionLoss = ConfirmingPublisher.OnConnectionLoss.REPUBLISH;
    Duration reopenDelay;
    ScheduledExecutorService scheduler;
    Executor completions;

    ConfirmingPublisherBuilder(BrokerConnection connection, String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a publisher needs a name");
        }
        this.connection = connection;
        this.name = name;
    }

    /** Publishes awaiting their confirm at the most; {@link ConfirmingPublisher#publish} waits beyond (default 1,024). */
    public ConfirmingPublisherBuilder maxUnconfirmed(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("max unconfirmed publishes must be >= 1, got " + n);
        }
        this.maxUnconfirmed = n;
        return this;
    }

    /** Times a nacked message is sent before its future fails with {@code NACKED} (default 1: no retry). */
    public ConfirmingPublisherBuilder nackAttempts(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("nack attempts must be >= 1, got " + n);
        }
        this.nackAttempts = n;
        return this;
    }

    /**
     * Waits before sending a nacked message again: {@code first}, doubling up to {@code max}, on {@code scheduler}
     * (default: no wait; see {@link NackRetries}).
     */
    public ConfirmingPublisherBuilder nackBackoff(Duration first, Duration max, ScheduledExecutorService scheduler) {
        this.nackBackoffFirst = Durations.requirePositive(first, "nack backoff");
        this.nackBackoffMax = Durations.requirePositive(max, "nack backoff cap");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        return this;
    }

    /** What becomes of unconfirmed publishes when the connection is lost (default: published again). */
    public ConfirmingPublisherBuilder onConnectionLoss(ConfirmingPublisher.OnConnectionLoss policy) {
        this.onConnectionLoss = Objects.requireNonNull(policy, "policy");
        return this;
    }

    /**
     * Reopens the channel {@code delay} after the broker closed it, on {@code scheduler}; without this, such a
     * close fails every later publish.
     */
    public ConfirmingPublisherBuilder reopenAfterChannelClose(Duration delay, ScheduledExecutorService scheduler) {
        this.reopenDelay = Durations.requirePositive(delay, "reopen delay");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        return this;
    }

    /**
     * Where futures complete (default: a thread of the publisher's own, {@code mqpool-confirms-NAME}). A direct
     * executor ({@code Runnable::run}) completes them on the client's own thread, which saves a thread hop per
     * confirm; its continuations must then never publish on this publisher or block.
     */
    public ConfirmingPublisherBuilder completionExecutor(Executor executor) {
        this.completions = Objects.requireNonNull(executor, "executor");
        return this;
    }

    /**
     * Opens the publisher's channel in confirm mode.
     *
     * @throws BrokerOperationException when the broker refuses
     */
    public ConfirmingPublisher build() {
        ConfirmingPublisher publisher;
        try {
            publisher = new ConfirmingPublisher(connection::createChannel, this);
        } catch (IOException | RuntimeException e) {
            throw BrokerErrors.translate("cannot open the publishing channel of " + name, e);
        }
        connection.onRecovery(new BrokerConnection.RecoveryHook() {
            @Override
            public void recoveryStarted() {
                publisher.connectionLost();
            }

            @Override
            public void recovered() {
                publisher.connectionRecovered();
            }
        });
        return publisher;
    }

    /** For unit tests: a publisher on the channels of {@code opener}, with no recovery hook. */
    ConfirmingPublisher build(ChannelOpener opener) throws IOException {
        return new ConfirmingPublisher(opener, this);
    }
}
