package io.mqpool.producer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.mqpool.protocol.Codec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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

/** {@code mqpool map} and, with {@code star}, {@code mqpool starmap}. */
@Command(name = "map", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Apply TASK to every item and print the results in input order, like Pool.map.",
            "Each ITEM is parsed as JSON, or taken as a string if it is not valid JSON.",
            "Example: mqpool map --workers 3 cube 1 2 3"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every item succeeded", "1:some item failed (one line each on stderr)",
            "2:invalid command line", "3:broker unreachable or credentials refused"})
class MapCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    JobOptionsMixin options;

    @Parameters(index = "0", paramLabel = "TASK", description = "Name of the task to run.")
    String task;

    @Parameters(index = "1..*", paramLabel = "ITEM", description = "Input items (or use --input).")
    List<String> items = new ArrayList<>();

    @Option(names = {"-i", "--input"}, paramLabel = "FILE",
            description = "Read items from FILE, one JSON value per line; '-' reads standard input.")
    String input;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "json",
            description = "Output: json (one array), jsonl (one value per line, streamed), text (default: ${DEFAULT-VALUE}).")
    ResultWriter.Format format;

    @Option(names = "--unordered", description = "Print results as they complete, like imap_unordered.")
    boolean unordered;

    @Option(names = {"-c", "--chunk-size"}, paramLabel = "N", defaultValue = "0",
            description = "Items per task message (default: chosen from the input size).",
            showDefaultValue = CommandLine.Help.Visibility.NEVER)
    int chunkSize;

    private final boolean star;

    MapCommand() {
        this(false);
    }

    MapCommand(boolean star) {
        this.star = star;
    }

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        if (input != null && !items.isEmpty()) {
            throw new CommandLine.ParameterException(cl, "give items as arguments or with --input, not both");
        }
        if (input == null && items.isEmpty()) {
            throw new CommandLine.ParameterException(cl, "no items: give them as arguments or with --input FILE|-");
        }
        if (chunkSize < 0) {
            throw new CommandLine.ParameterException(cl, "--chunk-size must be >= 0, got " + chunkSize);
        }
        JobRun run = new JobRun(options, cl);
        Items parser = new Items(new Codec(Math.max(1_024, options.maxMessageSize)), star);
        if (input == null) {
            Iterator<JsonNode> args = checked(parser.fromArgs(items));
            return run.run(task, args, items.size(), run.jobOptions(chunkSize), !unordered, format, false);
        }
        try (BufferedReader reader = input.equals("-")
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(Path.of(input), StandardCharsets.UTF_8)) {
            return run.run(task, checked(parser.fromLines(reader)), -1, run.jobOptions(chunkSize), !unordered, format,
                    false);
        } catch (NoSuchFileException e) {
            throw new CommandLine.ParameterException(cl, "--input " + input + ": no such file");
        }
    }

    /** Reports a malformed item as a usage error. */
    private Iterator<JsonNode> checked(Iterator<JsonNode> it) {
        CommandLine cl = spec.commandLine();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public JsonNode next() {
                try {
                    return it.next();
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(cl, e.getMessage(), e);
                }
            }
        };
    }
}
