package io.mqpool.worker;

import io.mqpool.amqp.Delivery;
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
 * start. Once no solo message is held any more, the task queues are consumed again. Pauses and resumes run on the
 * given scheduler (the worker's channel thread), never on a consumer thread. Thread-safe.
 */
final class SoloGate {
    private static final Logger log = LoggerFactory.getLogger(SoloGate.class);
    /** How long a pause may wait for the cancel-oks before the solo messages start all the same. */
    static final Duration PAUSE_WAIT = Duration.ofSeconds(5);

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
    private final List<Intake> intakes = new CopyOnWriteArrayList<>();
    /** Task-queue deliveries taken and not yet settled. */
    private final Set<Delivery> held = ConcurrentHashMap.newKeySet();
    private final Object lock = new Object();
    // Guarded by lock; state volatile for the settlements' unlocked read.
    private volatile State state = State.TAKING;
    private final Set<Delivery> solos = new HashSet<>();
    private final Map<Delivery, Runnable> waiting = new LinkedHashMap<>();
    private long pauses;

    /**
     * @param scheduler where the intakes are paused and resumed, and the pause's wait is bounded
     * @param pauseWait how long a pause may wait for the intakes before the solo messages start all the same
     */
    SoloGate(String workerId, ScheduledExecutorService scheduler, Duration pauseWait) {
        this.workerId = workerId;
        this.scheduler = scheduler;
        this.pauseWait = pauseWait;
    }

    /** A gate with no task queue to pause: solo messages start at once. For handlers tested alone. */
    static SoloGate withoutIntakes(String workerId) {
        return new SoloGate(workerId, null, PAUSE_WAIT);
    }

    /** Adds a task queue to pause; every one is added before the first solo message can arrive. */
    void attach(Intake intake) {
        intakes.add(intake);
    }

    /** A task-queue delivery was taken: a solo message waits until it is settled. */
    void taken(Delivery d) {
        held.add(d);
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
        boolean resume;
        synchronized (lock) {
            if (!solos.remove(d)) {
                return;
            }
            waiting.remove(d);
            resume = solos.isEmpty() && state == State.PAUSED;
            if (resume) {
                state = State.TAKING;
            }
        }
        if (resume) {
            resume();
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
        boolean resume;
        synchronized (lock) {
            if (pause != pauses || state != State.PAUSING) {
                return;
            }
            if (waitedOut) {
                log.warn("[{}] task queues not paused within {}; the solo message starts once the task messages held "
                        + "are settled", workerId, pauseWait);
            }
            state = State.PAUSED;
            resume = solos.isEmpty();
            if (resume) {
                state = State.TAKING;
            }
        }
        if (resume) {
            resume();
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
        log.debug("[{}] starting {} solo messages alone", workerId, start.size());
        start.forEach(Runnable::run);
    }

    private void resume() {
        log.debug("[{}] no solo message held: consuming the task queues again", workerId);
        if (intakes.isEmpty()) {
            return;
        }
        try {
            scheduler.execute(() -> {
                for (Intake intake : intakes) {
                    try {
                        intake.resume();
                    } catch (RuntimeException e) {
                        log.warn("[{}] cannot resume a task queue", workerId, e);
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("[{}] stopped: the task queues stay paused", workerId);
        }
    }
}
