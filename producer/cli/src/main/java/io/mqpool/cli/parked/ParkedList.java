package io.mqpool.cli.parked;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mqpool.amqp.BrokerConnection;
import io.mqpool.amqp.MessageBrowser;
import io.mqpool.clisupport.ExitCodes;
import io.mqpool.clisupport.TextTable;
import io.mqpool.protocol.Codec;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mqpool parked list}: a summary of each parked message, leaving them all in place. */
@Command(name = "list", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = "List the parked messages, head first, without removing any: one JSON object per line, or a "
                + "table.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:listed", "1:the broker refused (e.g. no such parking queue)", "2:invalid command line",
            "3:broker unreachable or credentials refused"})
final class ParkedList implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ParkedOptions options;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
            description = "List at most the first N messages (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "json",
            description = "json (one object per line) or text (a table) (default: ${DEFAULT-VALUE}).")
    String format;

    @Override
    public Integer call() {
        if (!format.equals("json") && !format.equals("text")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format must be json or text, got " + format);
        }
        Codec codec = Codec.defaults();
        ParkedView view = new ParkedView(codec);
        PrintWriter out = spec.commandLine().getOut();
        try (BrokerConnection connection = options.connect(spec.commandLine());
             MessageBrowser browser = options.browse(connection, limit, spec.commandLine())) {
            List<ObjectNode> rows = browser.messages().stream().map(view::summary).toList();
            if (format.equals("json")) {
                rows.forEach(r -> out.println(view.line(r)));
            } else {
                out.print(table(rows));
            }
            out.flush();
        }
        return ExitCodes.OK;
    }

    private static String table(List<ObjectNode> rows) {
        List<List<String>> cells = new ArrayList<>();
        cells.add(List.of("POS", "ID", "JOB", "TASK", "ITEMS", "DEATHS", "BYTES", "REPLAYABLE"));
        for (ObjectNode r : rows) {
            cells.add(List.of(r.get("position").asText(), r.get("id").asText(), text(r, "job"), text(r, "task"),
                    text(r, "items"), r.get("deaths").asText(), r.get("bytes").asText(),
                    r.get("replayable").asBoolean() ? "yes" : "no: " + r.get("notReplayable").asText()));
        }
        StringBuilder out = new StringBuilder();
        TextTable.append(out, cells);
        return out.toString();
    }

    private static String text(ObjectNode r, String field) {
        return r.get(field) == null || r.get(field).isNull() ? "-" : r.get(field).asText();
    }
}
