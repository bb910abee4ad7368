package io.mqpool.producer;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.mqpool.amqp.NamedThreadFactory;
import io.mqpool.amqp.Topology;
import io.mqpool.protocol.Codec;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The parts of an open {@link Pool}, and the order they are built and closed in: threads, meters, connection, result
 * links, control stream and job starter. Apart from Pool so that Pool stays the small facade its users read.
 *
 * @param values writes arguments and reads results: the caller's mapper hardened, or the protocol's own
 */
record PoolParts(String poolId, Codec codec, ObjectMapper values, ResultConverter converter,
                 ScheduledThreadPoolExecutor timer, ExecutorService callbacks, ResultRouter router, PoolMeters meters,
                 PoolConnection broker, SharedQueueLink shared, ResumableLink resumable, PoolControl control,
                 JobStarter starter) implements AutoCloseable {
    /** Items in flight per job at the most, whatever the chunk size: bounds the producer's memory. */
    private static final long MAX_WINDOW_ITEMS = 262_144;
    private static final long IDLE_CALLBACK_THREAD_SECONDS = 60;
    static final int POOL_ID_LENGTH = 10;

    /**
     * 48 random bits as 10 characters of base 36: unique enough among the pools on one broker, and short, since the
     * id is in every message's result queue, job id and message id (a UUID's 13 characters were 8 % of a short
     * task's bytes through the broker).
     */
    static String randomPoolId() {
        long bits = UUID.randomUUID().getLeastSignificantBits() & 0xFFFF_FFFF_FFFFL;  // a v4 UUID's low 48 are random
        String id = Long.toString(bits, 36);
        return "0".repeat(POOL_ID_LENGTH - id.length()) + id;
    }

    /**
     * Builds the parts and connects; on failure closes what it had built and rethrows.
     *
     * @param mapper the caller's mapper, or null for the protocol's own
     * @param registry where the meters go, or null for none
     */
    static PoolParts open(PoolSettings settings, ObjectMapper mapper, MeterRegistry registry) {
        Codec codec = new Codec(settings.connection().maxMessageBytes());
        ObjectMapper values = mapper == null ? codec.mapper()
                : Codec.harden(mapper, settings.connection().maxMessageBytes());
        String poolId = settings.poolId() != null ? settings.poolId() : randomPoolId();
        Window.Limits limits = new Window.Limits(settings.maxInFlightMessages(), MAX_WINDOW_ITEMS);
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                new NamedThreadFactory("mqpool-pool-" + poolId + "-timer", true));
        timer.setRemoveOnCancelPolicy(true);
        // A thread per completion that is still running: a caller's slow stage delays only its own call.
        ExecutorService callbacks = new ThreadPoolExecutor(0, Integer.MAX_VALUE, IDLE_CALLBACK_THREAD_SECONDS,
                TimeUnit.SECONDS, new SynchronousQueue<>(),
                new NamedThreadFactory("mqpool-pool-" + poolId + "-callbacks", true));
        ResultRouter router = new ResultRouter(codec, poolId);
        PoolMeters meters = new PoolMeters(registry, poolId);
        PoolConnection connection = null;
        try {
            connection = PoolConnection.open(settings, poolId);
            TaskPublication publisher = connection.publisher(codec, settings.queues(), callbacks);
            SharedQueueLink shared = new SharedQueueLink(connection, publisher, router, timer,
                    Topology.resultQueue(poolId), settings.resultTtl());
            ResumableLink resumable = new ResumableLink(connection, publisher, router, timer, settings.resultTtl());
            PoolControl control = new PoolControl(connection.connection(), settings.connection(), codec, callbacks,
                    poolId, settings.queue(), router::cancelled);
            JobStarter starter = new JobStarter(poolId, limits, shared, resumable, callbacks, timer, meters, control);
            return new PoolParts(poolId, codec, values, new ResultConverter(values), timer, callbacks, router, meters,
                    connection, shared, resumable, control, starter);
        } catch (RuntimeException e) {
            if (connection != null) {
                connection.close();
            }
            meters.close();
            shutDown(timer, callbacks);
            throw e;
        }
    }

    /** Closes every part, the result links before the threads and the connection they use. Call once. */
    @Override
    public void close() {
        control.close();
        resumable.close();
        shared.close();
        shutDown(timer, callbacks);
        broker.close();
        meters.close();
    }

    private static void shutDown(ScheduledThreadPoolExecutor timer, ExecutorService callbacks) {
        timer.shutdownNow();
        callbacks.shutdown();
    }
}
