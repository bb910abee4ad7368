package io.mqpool.amqp;

import io.mqpool.amqp.ConfirmingPublisher.OnConnectionLoss;
import io.mqpool.amqp.Unconfirmed.Publish;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@link ConfirmingPublisher} does with the publishes a lost connection left unconfirmed, as its
 * {@link OnConnectionLoss} says: sends them again, or fails them. Under {@code REPUBLISH} it also holds what was
 * published while the recovered channel was not yet in confirm mode. Apart from the publisher so that the policy
 * reads in one place. Thread-safe.
 */
final class ConnectionLoss {
    // Logs as the publisher it serves, where operators already look.
    private static final Logger log = LoggerFactory.getLogger(ConfirmingPublisher.class);

    private final OnConnectionLoss policy;
    private final String name;
    private final PublishWindow window;
    private final Consumer<Publish> resend;
    // Guarded by itself.
    private final List<Publish> held = new ArrayList<>();

    /**
     * @param name the publisher's name, in logs
     * @param resend publishes again on the current channel
     */
    ConnectionLoss(OnConnectionLoss policy, String name, PublishWindow window, Consumer<Publish> resend) {
        this.policy = policy;
        this.name = name;
        this.window = window;
        this.resend = resend;
    }

    /** Whether unconfirmed publishes go again after a lost connection (else they fail). */
    boolean republishes() {
        return policy == OnConnectionLoss.REPUBLISH;
    }

    /** Keeps a publish for the recovered channel's confirm mode under REPUBLISH; fails it under FAIL. */
    void hold(Publish p) {
        if (republishes()) {
            synchronized (held) {
                held.add(p);
            }
        } else {
            window.fail(p, new PublishFailedException(PublishFailedException.Reason.CONNECTION_LOST,
                    "the connection is recovering", null));
        }
    }

    /** Removes and returns the publishes held. */
    List<Publish> takeHeld() {
        synchronized (held) {
            List<Publish> taken = new ArrayList<>(held);
            held.clear();
            return taken;
        }
    }

    /** Publishes again, or fails, what a lost connection left unconfirmed. */
    void lost(List<Publish> unconfirmed, String why) {
        if (unconfirmed.isEmpty()) {
            return;
        }
        if (republishes()) {
            log.info("[{}] {}; publishing {} unconfirmed messages again", name, why, unconfirmed.size());
            for (Publish p : unconfirmed) {
                resend.accept(p);
            }
        } else {
            log.info("[{}] {} with {} publishes unconfirmed", name, why, unconfirmed.size());
            for (Publish p : unconfirmed) {
                window.fail(p, new PublishFailedException(PublishFailedException.Reason.CONNECTION_LOST, why, null));
            }
        }
    }
}
