package io.mqpool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.mqpool.protocol.Codec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mqpool submit}: one call, waited for, like {@code apply} or a started and joined Process. */
@Command(name = "submit", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Run TASK once with the given arguments, wait for it, and print its result.",
            "Each ARG is parsed as JSON, or taken as a string if it is not valid JSON.",
            "Example: mqpool submit --workers 1 greet Mahima"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the task succeeded", "1:the task failed (reason on stderr)",
            "2:invalid command line", "3:broker unreachable or credentials refused"})
final class SubmitCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    JobOptionsMixin options;

    @Parameters(index = "0", paramLabel = "TASK", description = "Name of the task to run.")
    String task;

    @Parameters(index = "1..*", paramLabel = "ARG", description = "Positional arguments of the call.")
    List<String> args = new ArrayList<>();

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "Output: text (strings unquoted), json or jsonl (default: ${DEFAULT-VALUE}).")
    ResultWriter.Format format;

    @Override
    public Integer call() throws Exception {
        Codec codec = new Codec(Math.max(1_024, options.maxMessageSize));
        Items parser = new Items(codec, true);
        ArrayNode call = codec.mapper().createArrayNode();
        for (String arg : args) {
            call.add(parser.parse(arg));
        }
        JobRun run = new JobRun(options, spec.commandLine());
        Iterator<JsonNode> one = List.<JsonNode>of(call).iterator();
        return run.run(task, one, 1, run.jobOptions(1), true, format, true);
    }
}
