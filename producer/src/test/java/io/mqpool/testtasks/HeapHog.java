package io.mqpool.testtasks;

import io.mqpool.task.Task;
import io.mqpool.task.TaskContext;
import java.util.ArrayList;
import java.util.List;

/** {@code heap_hog(n)}: returns {@code n}, but exhausts the heap when {@code n < 0}. */
public final class HeapHog implements Task<Long, Long> {
    @Override
    public String name() {
        return "heap_hog";
    }

    @Override
    public Class<Long> inputType() {
        return Long.class;
    }

    @Override
    public Long apply(Long n, TaskContext context) {
        if (n < 0) {
            List<long[]> hog = new ArrayList<>();
            while (true) {
                hog.add(new long[1 << 20]);
            }
        }
        return n;
    }
}
