package io.mqpool.cli.parked;

import io.mqpool.amqp.BrokerConnection;
import io.mqpool.amqp.MessageBrowser;
import io.mqpool.clisupport.ExitCodes;
import io.mqpool.protocol.Codec;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mqpool parked show}: one parked message in full, left in place. */
@Command(name = "show", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = "Print one parked message as JSON: its properties, every header (x-death included) and its "
                + "body. It stays parked.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:shown", "1:no such message among the first --limit, or the broker refused",
            "2:invalid command line", "3:broker unreachable or credentials refused"})
final class ParkedShow implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ParkedOptions options;

    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "The message's id, as listed.")
    String id;

    @Option(names = "--position", paramLabel = "N", description = "The N-th parked message (1 is the head) instead.")
    Integer position;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "1000",
            description = "Look among the first N messages (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        if ((id == null) == (position == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give either an ID or --position N");
        }
        ParkedView view = new ParkedView(Codec.defaults());
        try (BrokerConnection connection = options.connect(spec.commandLine());
             MessageBrowser browser = options.browse(connection, position == null ? limit
                     : Math.max(1, Math.min(position, MessageBrowser.MAX_LIMIT)), spec.commandLine())) {
            Optional<MessageBrowser.Message> found = browser.messages().stream()
                    .filter(m -> position != null ? m.position() == position : ParkedView.id(m).equals(id))
                    .findFirst();
            if (found.isEmpty()) {
                spec.commandLine().getErr().println("mqpool: no parked message " + (id != null ? "with id '" + id + "'"
                        : "at position " + position) + " among the first " + browser.messages().size() + " of "
                        + options.parkingQueue());
                spec.commandLine().getErr().flush();
                return ExitCodes.FAILED;
            }
            spec.commandLine().getOut().println(view.line(view.full(found.get())));
            spec.commandLine().getOut().flush();
        }
        return ExitCodes.OK;
    }
}
