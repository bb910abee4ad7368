package io.mqpool.cli.parked;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code mqpool parked}: inspect, replay and purge the messages parked for an operator. */
@Command(name = "parked", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {
            "Inspect and replay the task messages parked in QUEUE.parked: those no worker could answer (no reply_to,",
            "undecodable, their result queue gone) after the broker dead-lettered them. See docs/OPERATIONS.md.",
            "Reading hands every message back in its order, flagged redelivered; on RabbitMQ before 4.3 each read",
            "counts as a delivery of the parking queue (limit 1000)."},
        subcommands = {ParkedList.class, ParkedShow.class, ParkedReplay.class, ParkedPurge.class})
public final class ParkedCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: list, show, replay or purge");
    }
}
