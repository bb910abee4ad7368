package io.mqpool.cli.status;

import io.mqpool.amqp.QueueCounts;
import io.mqpool.amqp.QueueProbe;
import io.mqpool.amqp.Topology;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Counts the messages of task queues and their companions (solo, retry, dead-letter and parking queues) by passive
 * declares, and their unacknowledged messages through the management API when there is one.
 */
final class QueueSurvey {
    /** The figures of a survey, and why the unacked counts are missing (null when they are not). */
    record Result(List<QueueStatus> queues, String unackedUnavailable) {
    }

    static final String NO_MANAGEMENT_URL = "no --management-url given";

    private final QueueProbe probe;
    private final ManagementApi management;
    private final String vhost;

    /** @param management the API, or null when none was given */
    QueueSurvey(QueueProbe probe, ManagementApi management, String vhost) {
        this.probe = probe;
        this.management = management;
        this.vhost = vhost;
    }

    /** Whether a queue exists. */
    boolean exists(String queue) {
        return probe.exists(queue);
    }

    /** The figures of each of {@code queues}, in their order. */
    Result survey(Collection<String> queues) throws InterruptedException {
        String unavailable = management == null ? NO_MANAGEMENT_URL : null;
        List<QueueStatus> all = new ArrayList<>();
        for (String queue : queues) {
            Optional<QueueCounts> task = probe.counts(queue);
            if (task.isEmpty()) {
                all.add(QueueStatus.missing(queue));
                continue;
            }
            Long unacked = null;
            if (unavailable == null) {
                try {
                    unacked = management.unacked(vhost, queue);
                } catch (ManagementApi.Unavailable e) {
                    unavailable = e.getMessage();
                }
            }
            long retrying = 0;
            for (long delay : Topology.retryDelays()) {
                retrying += ready(Topology.retryQueue(queue, delay));
            }
            all.add(new QueueStatus(queue, true, task.get().ready(), unacked, task.get().consumers(),
                    readyOrNull(Topology.soloQueue(queue)), retrying, readyOrNull(Topology.deadLetterQueue(queue)),
                    readyOrNull(Topology.parkingQueue(queue))));
        }
        return new Result(all, unavailable);
    }

    private long ready(String queue) {
        return probe.counts(queue).map(QueueCounts::ready).orElse(0L);
    }

    private Long readyOrNull(String queue) {
        return probe.counts(queue).map(QueueCounts::ready).orElse(null);
    }
}
