package io.mqpool.cli.parked;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mqpool.amqp.BrokerConnection;
import io.mqpool.amqp.ConfirmingPublisher;
import io.mqpool.amqp.MessageBrowser;
import io.mqpool.amqp.PublishResult;
import io.mqpool.amqp.QueueProbe;
import io.mqpool.clisupport.ExitCodes;
import io.mqpool.protocol.Codec;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mqpool parked replay}: republishes parked messages to their task queue, confirmed, and removes each from
 * the parking queue only after the broker confirmed its copy. A crash in between leaves the message in both queues
 * (run twice at worst), never in neither.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Send parked messages back to the task queue they died in, with their properties and headers (minus the",
            "x- headers of dead-lettering), confirmed; only then remove them from the parking queue. Refuses, with",
            "the reason, a message a worker would reject again (no reply_to, not a task message), one whose task or",
            "result queue no longer exists, or whose origin is unknown. Prints one JSON line per replayed message."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every message named was replayed", "1:some message was refused or not found",
            "2:invalid command line", "3:broker unreachable or credentials refused"})
final class ParkedReplay implements Callable<Integer> {
    static final long CONFIRM_TIMEOUT_SECONDS = 30;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ParkedOptions options;

    @Parameters(paramLabel = "ID", arity = "0..*", description = "Ids of the messages to replay, as listed.")
    List<String> ids = new ArrayList<>();

    @Option(names = "--all", description = "Replay every replayable message among the first --limit.")
    boolean all;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "1000",
            description = "Look among the first N messages (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() throws Exception {
        if (all == !ids.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give the ids to replay, or --all");
        }
        Codec codec = Codec.defaults();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int failures = 0;
        try (BrokerConnection connection = options.connect(spec.commandLine());
             MessageBrowser browser = options.browse(connection, limit, spec.commandLine());
             QueueProbe probe = new QueueProbe(connection);
             ConfirmingPublisher publisher = ConfirmingPublisher.builder(connection, "mqpool-replay")
                     .onConnectionLoss(ConfirmingPublisher.OnConnectionLoss.FAIL).build()) {
            Set<String> wanted = new LinkedHashSet<>(ids);
            for (MessageBrowser.Message m : browser.messages()) {
                String id = ParkedView.id(m);
                if (!all && !wanted.remove(id)) {
                    continue;
                }
                String refusal = replay(m, codec, probe, publisher, browser, out);
                if (refusal != null) {
                    failures++;
                    err.println("mqpool: not replaying " + id + ": " + refusal);
                }
            }
            for (String missing : wanted) {
                failures++;
                err.println("mqpool: no parked message with id '" + missing + "' among the first "
                        + browser.messages().size() + " of " + options.parkingQueue());
            }
        }
        out.flush();
        err.flush();
        return failures == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** Replays one message; returns why not, or null when it went back. */
    private String replay(MessageBrowser.Message m, Codec codec, QueueProbe probe, ConfirmingPublisher publisher,
                          MessageBrowser browser, PrintWriter out) throws InterruptedException {
        ReplayPlan plan = ReplayPlan.of(m.properties(), m.body(), codec);
        if (!plan.replayable()) {
            return plan.refusal();
        }
        if (!probe.exists(plan.target())) {
            return "its task queue '" + plan.target() + "' no longer exists; it stays parked";
        }
        String replyTo = plan.properties().replyTo();
        if (!probe.exists(replyTo)) {
            return "its result queue '" + replyTo + "' no longer exists, so no one would read the answer; it stays "
                    + "parked";
        }
        PublishResult result;
        try {
            result = publisher.publish(plan.target(), plan.properties(), m.body(), true)
                    .get(CONFIRM_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return "the broker did not confirm the copy (" + ExitCodes.oneLine(e.getCause() == null ? e : e.getCause())
                    + "); it stays parked";
        }
        if (result != PublishResult.CONFIRMED) {
            return "its task queue '" + plan.target() + "' did not take the copy; it stays parked";
        }
        browser.remove(m);
        ObjectNode line = codec.mapper().createObjectNode();
        line.put("id", ParkedView.id(m));
        line.put("job", m.properties().correlationId());
        line.put("replayedTo", plan.target());
        line.put("replays", ((Number) plan.properties().header(ReplayPlan.REPLAYS)).longValue());
        out.println(new ParkedView(codec).line(line));
        return null;
    }
}
