package io.mqpool.worker;

/** A lifecycle hook of a worker: its initializer or its close hook (see {@link WorkerBuilder}). */
@FunctionalInterface
public interface WorkerHook {
    void run() throws Exception;
}
