package io.mqpool.producer;

import io.mqpool.protocol.ItemResult;
import java.util.Iterator;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A running map-like call, from {@link Pool#start}: its outcomes as a stream, its figures, and its end. The job
 * stops by itself once every outcome was taken, or when it fails; close it (or its stream) to stop it early.
 * The stream is for one thread; {@link #stats()} and {@link #close()} may be called from any.
 *
 * @param <R> the result type
 */
public final class JobHandle<R> implements AutoCloseable {
    private final Job job;
    private final Function<ItemResult, Outcome<R>> convert;
    private final AtomicBoolean streamed = new AtomicBoolean();

    JobHandle(Job job, Function<ItemResult, Outcome<R>> convert) {
        this.job = job;
        this.convert = convert;
    }

    /** The job id, as workers log it. */
    public String id() {
        return job.id();
    }

    /**
     * Every item's outcome, in input order for an ordered job; closing the stream closes the job.
     *
     * @throws IllegalStateException when called a second time
     */
    public Stream<Outcome<R>> stream() {
        if (!streamed.compareAndSet(false, true)) {
            throw new IllegalStateException("the outcomes of job " + job.id() + " can be streamed only once");
        }
        JobIterator results = new JobIterator(job);
        Iterator<Outcome<R>> converted = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return results.hasNext();
            }

            @Override
            public Outcome<R> next() {
                return convert.apply(results.next());
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(converted,
                Spliterator.ORDERED | Spliterator.NONNULL), false).onClose(job::close);
    }

    /** The job's figures so far; they stay readable after it ends. */
    public JobStats stats() {
        return job.stats();
    }

    /**
     * Cancels the job for every worker (PROTOCOL.md §18): its queued task messages are answered {@code CANCELLED}
     * and its running items interrupted. The stream goes on to the end, with every index accounted for: results
     * that came before keep their values, the other items fail with code {@code CANCELLED} (so
     * {@link Outcome#get()} throws a {@link TaskFailedException}). The job waits at most 5 s for the workers'
     * answers, then answers the rest itself. Any thread; idempotent. A cancelled job cannot be resumed.
     *
     * @throws io.mqpool.MqpoolException when the cancel cannot be recorded on the broker's control stream; the
     *     job is cancelled here all the same
     */
    public void cancel() {
        job.cancel();
    }

    /** Stops the job; results that arrive later are dropped. Idempotent. */
    @Override
    public void close() {
        job.close();
    }
}
