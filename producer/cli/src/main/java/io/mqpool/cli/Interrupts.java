package io.mqpool.cli;

import io.mqpool.clisupport.ExitCodes;
import io.mqpool.producer.JobHandle;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) during a job: the first cancels the job (PROTOCOL.md §18), which then ends with every item
 * accounted for and the command exits {@link #EXIT_CODE}; a second one exits at once. Closing restores the handler
 * that was there before.
 */
final class Interrupts implements AutoCloseable {
    /** The exit code of a command ended by Ctrl-C, as shells report a process killed by SIGINT. */
    static final int EXIT_CODE = 130;
    private static final Signal INT = new Signal("INT");

    private final SignalHandler previous;
    private final AtomicInteger count = new AtomicInteger();

    private Interrupts(JobHandle<?> job, PrintWriter err) {
        this.previous = Signal.handle(INT, signal -> interrupted(job, err));
    }

    private void interrupted(JobHandle<?> job, PrintWriter err) {
        count.incrementAndGet();
        Signal.handle(INT, previous); // a second Ctrl-C ends the JVM as it would have without us
        err.println("mqpool: interrupted: cancelling job " + job.id() + " (Ctrl-C again to exit at once)");
        err.flush();
        try {
            job.cancel();
        } catch (RuntimeException e) {
            err.println("mqpool: " + ExitCodes.oneLine(e));
            err.flush();
        }
    }

    static Interrupts cancelling(JobHandle<?> job, PrintWriter err) {
        return new Interrupts(job, err);
    }

    /** Whether Ctrl-C cancelled the job. */
    boolean cancelled() {
        return count.get() > 0;
    }

    @Override
    public void close() {
        Signal.handle(INT, previous);
    }
}
