package io.mqpool.producer;

import io.mqpool.MqpoolException;
import io.mqpool.RootCause;
import io.mqpool.amqp.BrokerConnection;
import io.mqpool.amqp.ControlStream;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.ControlRecord;
import io.mqpool.protocol.JobLedger;
import io.mqpool.protocol.MalformedMessageException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Job control from outside a pool (PROTOCOL.md §18), for {@code mqpool cancel} and {@code mqpool status}: reads the
 * control stream into a {@link JobLedger}, and cancels a job the ledger knows to be running. Stateless.
 */
public final class JobControl {
    /** How long a reader of the stream may take to reach its end. */
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(10);

    private JobControl() {
    }

    /**
     * Reads the whole control stream, up to a marker this reader appends, into a ledger; records that do not decode
     * are skipped (and counted as skipped).
     *
     * @throws MqpoolException when the stream cannot be read within {@link #READ_TIMEOUT}
     */
    public static JobLedger ledger(BrokerConnection connection, Codec codec) {
        JobLedger ledger = new JobLedger();
        byte[] marker = codec.encode(ControlRecord.sync("reader:" + UUID.randomUUID(), System.currentTimeMillis()),
                "control marker");
        Object lock = new Object();
        try {
            ControlStream.ensure(connection);
        } catch (RuntimeException e) {
            throw new MqpoolException("cannot read the control stream " + ControlStream.NAME + ": "
                    + RootCause.message(e), e);
        }
        try (ControlStream.Subscription reader = ControlStream.subscribe(connection, ControlStream.From.FIRST, marker,
                body -> {
                    ControlRecord r;
                    try {
                        r = codec.decodeControl(body);
                    } catch (MalformedMessageException e) {
                        r = new ControlRecord(Integer.MAX_VALUE, "malformed", "-", null, null, null, 0);
                    }
                    synchronized (lock) {
                        ledger.apply(r);
                    }
                })) {
            reader.caughtUp().get(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new MqpoolException("the control stream " + ControlStream.NAME + " was not read within "
                    + READ_TIMEOUT.toSeconds() + " s", e);
        } catch (ExecutionException | RuntimeException e) {
            throw new MqpoolException("cannot read the control stream " + ControlStream.NAME + ": "
                    + RootCause.message(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MqpoolException("interrupted while reading the control stream", e);
        }
        synchronized (lock) {
            return ledger;
        }
    }

    /**
     * Cancels job {@code job}, which must have started and not finished; a job cancelled already is not cancelled
     * again, and its first cancel is returned.
     *
     * @param queue the task queue the job runs on, or null for the one the job announced
     * @return the cancel record in force
     * @throws IllegalArgumentException when no such job is known (jobs are remembered for 7 days)
     * @throws IllegalStateException when the job has finished
     */
    public static ControlRecord cancel(BrokerConnection connection, Codec codec, String job, String queue) {
        JobLedger.Entry entry = ledger(connection, codec).find(job).orElseThrow(() -> new IllegalArgumentException(
                "no job '" + job + "' is known: none was started in the last "
                        + ControlStream.MAX_AGE.toDays() + " days (check the id printed by map, starmap or submit)"));
        String where = queue != null ? queue : entry.queue();
        if (entry.cancelledAt() != null) {
            return ControlRecord.cancel(job, where, entry.cancelledAt());
        }
        if (entry.finishedAt() != null) {
            throw new IllegalStateException("job '" + job + "' already finished at "
                    + Instant.ofEpochMilli(entry.finishedAt()) + "; there is nothing to cancel");
        }
        ControlRecord cancel = ControlRecord.cancel(job, where, System.currentTimeMillis());
        publish(connection, codec, cancel);
        return cancel;
    }

    /** Appends {@code record}, confirmed. */
    static void publish(BrokerConnection connection, Codec codec, ControlRecord record) {
        ControlStream.publish(connection, codec.encode(record, "control record"), PUBLISH_TIMEOUT);
    }
}
