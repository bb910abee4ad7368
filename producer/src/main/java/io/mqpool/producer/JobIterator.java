package io.mqpool.producer;

import io.mqpool.protocol.ItemResult;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;

/** The blocking view of a job's results: polls the job, and waits for a change while it has nothing to give. */
final class JobIterator implements Iterator<ItemResult> {
    private final Job job;
    private final ArrayDeque<ItemResult> drained = new ArrayDeque<>();

    JobIterator(Job job) {
        this.job = job;
    }

    @Override
    public boolean hasNext() {
        if (job.isStopped()) {
            return false;
        }
        if (!drained.isEmpty()) {
            return true;
        }
        while (true) {
            Job.Step step = job.poll(drained);
            switch (step.kind()) {
                case READY:
                    return true;
                case DONE:
                    return false;
                default:
                    job.await(step);
            }
        }
    }

    @Override
    public ItemResult next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return drained.poll();
    }
}
