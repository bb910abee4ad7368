package io.mqpool.cli;

import io.mqpool.amqp.Topology;
import io.mqpool.clisupport.BrokerOptions;
import io.mqpool.protocol.Codec;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options every job command shares. */
final class JobOptionsMixin {
    @Mixin
    BrokerOptions broker;

    @Option(names = "--queue", paramLabel = "NAME", defaultValue = "${env:MQPOOL_QUEUE:-" + Topology.DEFAULT_TASK_QUEUE + "}",
            description = "Task queue (default: ${DEFAULT-VALUE}).")
    String queue;

    @Option(names = "--shards", paramLabel = "N", defaultValue = "${env:MQPOOL_SHARDS:-1}",
            description = "Spread the job's task messages over N queues (QUEUE, QUEUE.shard-1 .. QUEUE.shard-(N-1)) "
                    + "when one queue is the ceiling; workers need --shards N too (default: ${DEFAULT-VALUE}).")
    int shards;

    @Option(names = {"-w", "--workers"}, paramLabel = "N", defaultValue = "0",
            description = "Run N workers for this command, on the same --url, --tls-ca and queue, and stop them "
                    + "after it: N task threads in this JVM, or N JVMs with --worker-jvms (default: use the workers "
                    + "already running).")
    int workers;

    @Option(names = "--worker-jvms",
            description = "Start the --workers as JVMs of their own (from the worker jar): slower to start, but each "
                    + "has its own heap, and one whose task runs away is replaced.")
    boolean workerJvms;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "Give up if the whole job is not done in this time, e.g. 30s, 5m (default: no limit).")
    Duration timeout;

    @Option(names = "--task-timeout", paramLabel = "DURATION",
            description = "Time limit of each item on the worker; an overrun is a TIMEOUT error "
                    + "(default: the task's own, else the worker's --task-timeout).")
    Duration taskTimeout;

    @Option(names = "--max-attempts", paramLabel = "N",
            description = "Run each item at most N times in all (1-100), overriding the task's retry policy; a task "
                    + "without one then retries any exception after 1s, 2s, 4s... with jitter (default: the task's "
                    + "policy, else 1).")
    Integer maxAttempts;

    @Option(names = "--job-id", paramLabel = "ID",
            description = "Make the job resumable: a run killed midway and started again with the same ID and input "
                    + "reuses the results already computed (they wait in queue mqpool.results.ID for 30 min).")
    String jobId;

    @Option(names = "--traceparent", paramLabel = "VALUE", defaultValue = "${env:TRACEPARENT}",
            description = "W3C trace context for the job's task messages (00-<32 hex>-<16 hex>-<2 hex>); workers "
                    + "copy it to the results and log its trace id (default: $TRACEPARENT).",
            showDefaultValue = picocli.CommandLine.Help.Visibility.NEVER)
    String traceparent;

    @Option(names = "--max-message-size", paramLabel = "BYTES", defaultValue = "" + Codec.DEFAULT_MAX_MESSAGE_BYTES,
            description = "Largest task message in bytes; larger arguments are refused before publishing "
                    + "(default: ${DEFAULT-VALUE}).")
    int maxMessageSize;
}
