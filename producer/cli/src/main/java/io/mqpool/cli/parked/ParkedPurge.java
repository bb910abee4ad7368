package io.mqpool.cli.parked;

import io.mqpool.amqp.BrokerConnection;
import io.mqpool.amqp.QueuePurge;
import io.mqpool.clisupport.ExitCodes;
import io.mqpool.protocol.Codec;
import java.io.Console;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mqpool parked purge}: drops every parked message, after a confirmation. */
@Command(name = "purge", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = "Delete every parked message of the queue for good. Asks first on a terminal; elsewhere it "
                + "needs --yes. Prints {\"queue\":...,\"purged\":N}.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:purged (or nothing to purge)", "1:not confirmed, or the broker refused",
            "2:invalid command line", "3:broker unreachable or credentials refused"})
final class ParkedPurge implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ParkedOptions options;

    @Option(names = "--yes", description = "Do not ask.")
    boolean yes;

    @Override
    public Integer call() {
        if (!yes) {
            Console console = System.console();
            if (console == null) {
                spec.commandLine().getErr().println("mqpool: refusing to purge " + options.parkingQueue()
                        + " without --yes: standard input is not a terminal to ask on");
                spec.commandLine().getErr().flush();
                return ExitCodes.FAILED;
            }
            String answer = console.readLine("Delete every message of %s for good? [y/N] ", options.parkingQueue());
            if (answer == null || !answer.strip().equalsIgnoreCase("y") && !answer.strip().equalsIgnoreCase("yes")) {
                spec.commandLine().getErr().println("mqpool: not purged");
                spec.commandLine().getErr().flush();
                return ExitCodes.FAILED;
            }
        }
        try (BrokerConnection connection = options.connect(spec.commandLine())) {
            long purged = QueuePurge.purge(connection, options.parkingQueue());
            ParkedView view = new ParkedView(Codec.defaults());
            spec.commandLine().getOut().println(view.line(Codec.defaults().mapper().createObjectNode()
                    .put("queue", options.parkingQueue()).put("purged", purged)));
            spec.commandLine().getOut().flush();
        }
        return ExitCodes.OK;
    }
}
