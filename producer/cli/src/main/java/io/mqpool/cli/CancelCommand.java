package io.mqpool.cli;

import io.mqpool.amqp.BrokerConnection;
import io.mqpool.amqp.NamedThreadFactory;
import io.mqpool.clisupport.BrokerOptions;
import io.mqpool.clisupport.ExitCodes;
import io.mqpool.producer.JobControl;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.ControlRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mqpool cancel JOB}: cancels a running job for every worker, through the control stream. */
@Command(name = "cancel", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Cancel a running job: workers answer its queued task messages CANCELLED without running them and",
            "interrupt its running items; its producer ends with every item accounted for.",
            "JOB is the id that map, starmap and submit print on stderr when the job starts.",
            "Prints one JSON line: {\"job\":...,\"at\":...} (at: epoch milliseconds of the cancel).",
            "Example: mqpool cancel 3f2a9c1e-5d7b-1"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the job is cancelled (now, or it was already)", "1:no such job, or it already finished",
            "2:invalid command line", "3:broker unreachable or credentials refused"})
final class CancelCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    BrokerOptions broker;

    @Option(names = "--queue", paramLabel = "NAME",
            description = "The task queue the job runs on, recorded with the cancel (default: the one the job "
                    + "announced).")
    String queue;

    @Parameters(index = "0", paramLabel = "JOB", description = "The id of the job to cancel.")
    String job;

    @Override
    public Integer call() {
        if (job.isBlank()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "JOB must not be empty");
        }
        Codec codec = Codec.defaults();
        try (BrokerConnection connection = BrokerConnection.open(broker.connection(), "mqpool-cancel",
                new NamedThreadFactory("mqpool-cancel", true))) {
            ControlRecord cancel = JobControl.cancel(connection, codec, job, queue);
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("job", cancel.job());
            line.put("at", cancel.at());
            spec.commandLine().getOut().println(codec.mapper().writeValueAsString(line));
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e.getOriginalMessage(), e);
        }
    }
}
