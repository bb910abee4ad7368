package io.mqpool.task.builtin;

import io.mqpool.task.Task;
import io.mqpool.task.TaskContext;

/** {@code sleep(ms)}: sleeps that many milliseconds and returns them; for tests and benchmarks. */
public final class Sleep implements Task<Long, Long> {
    @Override
    public String name() {
        return "sleep";
    }

    @Override
    public Class<Long> inputType() {
        return Long.class;
    }

    @Override
    public Long apply(Long ms, TaskContext context) throws InterruptedException {
        if (ms < 0) {
            throw new IllegalArgumentException("sleep time must be >= 0 ms, got " + ms);
        }
        Thread.sleep(ms);
        return ms;
    }
}
