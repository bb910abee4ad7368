package io.mqpool.worker;

import io.mqpool.amqp.Delivery;
import io.mqpool.amqp.DeliveryChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs solo messages alone: while a worker holds one, it holds no task-queue message. A worker's death counts a
 * delivery against every message it holds, so a suspect that kills its worker must not take task messages down with
 * it (an innocent one held at three of its deaths would reach the delivery limit).
 *
 * <p>When a solo message arrives, the task queues of every shard are paused (their consumers cancelled); the task
 * messages taken until each cancel-ok are run, answered and settled as usual, and only then does the solo message
 * start. Once no solo message has been held for a short while, the task queues are consumed again: solo messages
 * that follow one another (the solo queue sends the next at once) then run without a resume and a pause between
 * them, each a consumer registration in the quorum queue's log. Pauses and resumes run on the given scheduler, which
 * must have a single thread (the worker's channel thread), never on a consumer thread. Thread-safe.
 */
final class SoloGate {
    private static final Logger log = LoggerFactory.getLogger(SoloGate.class);
    /** How long a pause may wait for the cancel-oks before the solo messages start all the same. */
    static final Duration PAUSE_WAIT = Duration.ofSeconds(5);
    /** How long the task queues stay paused after the last solo message, for the next one to arrive. */
    static final Duration RESUME_DELAY = Duration.ofMillis(200);

    /** A task queue's consumption, which the gate pauses and resumes. */
    interface Intake {
        /** Stops taking deliveries; completes once every delivery taken before the pause has been handed on. */
        CompletableFuture<Void> pause();

        void resume();
    }

    private enum State { TAKING, PAUSING, PAUSED }

    private final String workerId;
    private final ScheduledExecutorService scheduler;
    private final Duration pauseWait;
    private final Duration resumeDelay;
    private final List<Intake> intakes = new CopyOnWriteArrayList<>();
    /** Task-queue deliveries taken and not yet settled. */
    private final Set<Delivery> held = ConcurrentHashMap.newKeySet();
    /** The channels they came on, whose batched acks are sent before a solo message starts. */
    private final Set<DeliveryChannel> channels = ConcurrentHashMap.newKeySet();
    private volatile DeliveryChannel lastChannel;
    private final Object lock = new Object();
    // Guarded by lock; state volatile for the settlements' unlocked read.
    private volatile State state = State.TAKING;
    private final Set<Delivery> solos = new HashSet<>();
    private final Map<Delivery, Runnable> waiting = new LinkedHashMap<>();
    private long pauses;

    /**
     * @param scheduler a single thread, where the intakes are paused and resumed, and the waits are timed
     * @param pauseWait how long a pause may wait for the intakes before the solo messages start all the same
     * @param resumeDelay how long the intakes stay paused after the last solo message
     */
    SoloGate(String workerId, ScheduledExecutorService scheduler, Duration pauseWait, Duration resumeDelay) {
        this.workerId = workerId;
        this.scheduler = scheduler;
        this.pauseWait = pauseWait;
        this.resumeDelay = resumeDelay;
    }

    /** A gate with no task queue to pause: solo messages start at once. For handlers tested alone. */
    static SoloGate withoutIntakes(String workerId) {
        return new SoloGate(workerId, null, PAUSE_WAIT, RESUME_DELAY);
    }

    /** Adds a task queue to pause; every one is added before the first solo message can arrive. */
    void attach(Intake intake) {
        intakes.add(intake);
    }

    /** A task-queue delivery was taken: a solo message waits until it is settled. */
    void taken(Delivery d) {
        held.add(d);
        DeliveryChannel c = d.channel();
        if (c != lastChannel) {
            lastChannel = c;
            channels.add(c);
        }
    }

    /**
     * A solo delivery was taken: {@code start} hands it to the task threads once the task queues are paused and
     * every task-queue delivery held is settled; at once if they are already.
     */
    void soloTaken(Delivery d, Runnable start) {
        long pause = 0;
        synchronized (lock) {
            solos.add(d);
            waiting.put(d, start);
            if (state == State.TAKING) {
                state = State.PAUSING;
                pause = ++pauses;
            }
        }
        if (pause > 0) {
            pause(pause);
        } else {
            startIfReady();
        }
    }

    /** Any delivery was settled (acknowledged, rejected or handed back). */
    void settled(Delivery d) {
        if (held.remove(d)) {
            if (state == State.PAUSED) {
                startIfReady();
            }
            return;
        }
        if (state == State.TAKING) {
            return; // no solo message is held
        }
        boolean idle;
        synchronized (lock) {
            if (!solos.remove(d)) {
                return;
            }
            waiting.remove(d);
            idle = solos.isEmpty() && state == State.PAUSED;
        }
        if (idle) {
            resumeLater();
        }
    }

    private void pause(long pause) {
        log.debug("[{}] a solo message arrived: pausing the task queues to run it alone, after the {} task messages "
                + "held", workerId, held.size());
        if (intakes.isEmpty()) {
            paused(pause, false);
            return;
        }
        try {
            scheduler.execute(() -> {
                List<CompletableFuture<Void>> ends = new ArrayList<>();
                for (Intake intake : intakes) {
                    try {
                        ends.add(intake.pause());
                    } catch (RuntimeException e) {
                        log.warn("[{}] cannot pause a task queue; the solo message starts after the wait", workerId, e);
                    }
                }
                CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new))
                        .whenComplete((ok, e) -> paused(pause, false));
            });
            scheduler.schedule(() -> paused(pause, true), pauseWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            paused(pause, false); // stopped: the task queues take nothing more anyway
        }
    }

    private void paused(long pause, boolean waitedOut) {
        boolean idle;
        synchronized (lock) {
            if (pause != pauses || state != State.PAUSING) {
                return;
            }
            if (waitedOut) {
                log.warn("[{}] task queues not paused within {}; the solo message starts once the task messages held "
                        + "are settled", workerId, pauseWait);
            }
            state = State.PAUSED;
            idle = solos.isEmpty();
        }
        if (idle) {
            resumeLater();
        } else {
            startIfReady();
        }
    }

    private void startIfReady() {
        List<Runnable> start;
        synchronized (lock) {
            if (state != State.PAUSED || !held.isEmpty() || waiting.isEmpty()) {
                return;
            }
            start = List.copyOf(waiting.values());
            waiting.clear();
        }
        // A settled task message's ack may still wait to go out with others; lost with a worker that the solo
        // message kills, it would bring the message back counted once more.
        for (DeliveryChannel c : channels) {
            if (c.isOpen()) {
                c.sendWaiting();
            } else {
                channels.remove(c);
            }
        }
        log.debug("[{}] starting {} solo messages alone", workerId, start.size());
        start.forEach(Runnable::run);
    }

    private void resumeLater() {
        if (intakes.isEmpty()) {
            resumeIfIdle();
            return;
        }
        try {
            scheduler.schedule(this::resumeIfIdle, resumeDelay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("[{}] stopped: the task queues stay paused", workerId);
        }
    }

    /** On the scheduler's thread: a pause requested meanwhile runs after this, in order. */
    private void resumeIfIdle() {
        synchronized (lock) {
            if (state != State.PAUSED || !solos.isEmpty()) {
                return; // another solo message came meanwhile
            }
            state = State.TAKING;
        }
        log.debug("[{}] no solo message held: consuming the task queues again", workerId);
        for (Intake intake : intakes) {
            try {
                intake.resume();
            } catch (RuntimeException e) {
                log.warn("[{}] cannot resume a task queue", workerId, e);
            }
        }
    }
}
