package io.mqpool.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mqpool.protocol.Codec;
import io.mqpool.task.TaskRegistry;
import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * The parts a {@link Worker} runs with, built in the order they depend on each other: codec, telemetry, task runner,
 * settler, prefetch policy, run slots and the runaway guard, on the worker's threads. Apart from Worker so that
 * Worker holds only its lifecycle (start, stop, probes).
 */
record WorkerParts(Codec codec, WorkerThreads threads, WorkerTelemetry telemetry, TaskRunner runner,
                   DrainingSettler settler, PrefetchPolicy prefetchPolicy, HandlerLoops handlers, RunRegistry runs,
                   RunawayGuard runawayGuard) {
    /**
     * @param valueMapper the hardened mapper of task arguments and results ({@link Codec#harden}), or null for the
     *     protocol's own
     * @param nanoTime the clock of time limits and task timings, as {@link System#nanoTime}
     */
    static WorkerParts build(WorkerSettings settings, TaskRegistry registry, PrintStream taskOutput,
                             ObjectMapper valueMapper, WorkerTelemetry.Options telemetryOptions, LongSupplier nanoTime) {
        WorkerThreads threads = new WorkerThreads();
        Codec codec = new Codec(settings.connection().maxMessageBytes());
        WorkerTelemetry telemetry = new WorkerTelemetry(settings, telemetryOptions,
                name -> registry.find(name).isPresent(), nanoTime);
        TaskRunner runner = new TaskRunner(registry, valueMapper != null ? valueMapper : codec.mapper(),
                settings.workerId(), taskOutput, telemetry.outcomes());
        DrainingSettler settler = new DrainingSettler(settings.workerId(), threads.watchdog, telemetry.outcomes());
        PrefetchPolicy prefetchPolicy = new PrefetchPolicy(settings.concurrency(), settings.prefetch(), nanoTime);
        AbandonedThreads abandoned = new AbandonedThreads(settings.runawayGrace(), nanoTime);
        HandlerLoops handlers = new HandlerLoops(threads.tasks, () -> settings.concurrency() + abandoned.size());
        RunRegistry runs = new RunRegistry(settings.concurrency(), runner, threads.tasks, nanoTime, abandoned,
                settings.workerId());
        RunawayGuard runawayGuard = new RunawayGuard(abandoned, settings.runawayGrace(), settings.workerId());
        telemetry.watch(prefetchPolicy, settler, handlers, runs);
        return new WorkerParts(codec, threads, telemetry, runner, settler, prefetchPolicy, handlers, runs,
                runawayGuard);
    }

    /** What the queue wiring hands the deliveries to. */
    QueueWiring.Parts wiring(WorkerSettings settings) {
        return new QueueWiring.Parts(settings, codec, runner, runs, settler, prefetchPolicy, handlers,
                threads.channels, telemetry.outcomes());
    }
}
