package io.mqpool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.mqpool.protocol.Codec;
import java.io.IOException;
import java.io.InputStream;
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
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code mqpool map}, and with {@code star}, {@code mqpool starmap}. */
@Command(name = "map", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Apply TASK to every item and print the results in input order, like Pool.map.",
            "Each ITEM is parsed as JSON, or taken as a string if it is not valid JSON.",
            "Example: mqpool map --workers 3 cube 1 2 3"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every item succeeded", "1:some item failed (one line each on stderr), or the job timed out",
            "2:invalid command line, or an --input line that is not JSON", "3:broker unreachable or credentials refused"})
class MapCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @ParentCommand
    MqpoolMain parent;

    @Mixin
    JobOptionsMixin options;

    @Parameters(index = "0", paramLabel = "TASK", description = "Name of the task to run.")
    String task;

    @Parameters(index = "1..*", paramLabel = "ITEM", description = "Input items (or use --input).")
    List<String> items = new ArrayList<>();

    @Option(names = {"-i", "--input"}, paramLabel = "FILE",
            description = "Read items from FILE, one per line (blank lines are skipped); '-' reads standard input. "
                    + "A FILE is checked whole before the job starts.")
    String input;

    @Option(names = "--input-format", paramLabel = "FORMAT", defaultValue = "json",
            description = "Lines of --input: json (each line one JSON value; any other line is an error) or text "
                    + "(each line a string, as is) (default: ${DEFAULT-VALUE}).")
    InputLines.Format inputFormat;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "json",
            description = "Output: json (one array), jsonl (one value per line, streamed), text (default: ${DEFAULT-VALUE}).")
    ResultWriter.Format format;

    @Option(names = "--unordered", description = "Print results as they complete, like imap_unordered.")
    boolean unordered;

    @Option(names = {"-c", "--chunk-size"}, paramLabel = "N", defaultValue = "0",
            description = "Items per task message (default: chosen from the time workers report per item, within the input size).",
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
        Codec codec = new Codec(Math.max(1_024, options.maxMessageSize));
        Items parser = new Items(codec, star);
        if (input == null) {
            return run.run(task, parser.fromArgs(items), items.size(), run.jobOptions(chunkSize), !unordered, format,
                    false);
        }
        if (input.equals("-")) {
            InputStream in = parent.stdin();
            return run.run(task, parser.calls(InputLines.of(in, inputFormat, codec.mapper())), -1,
                    run.jobOptions(chunkSize), !unordered, format, false);
        }
        Path file = Path.of(input);
        long size = check(file, parser, codec);
        try (InputStream in = Files.newInputStream(file)) {
            return run.run(task, parser.calls(InputLines.of(in, inputFormat, codec.mapper())), size,
                    run.jobOptions(chunkSize), !unordered, format, false);
        }
    }

    /** Reads the whole file once, before anything is published: a bad line is a usage error; returns the item count. */
    private long check(Path file, Items parser, Codec codec) throws IOException {
        CommandLine cl = spec.commandLine();
        try (InputStream in = Files.newInputStream(file)) {
            Iterator<JsonNode> calls = parser.calls(InputLines.of(in, inputFormat, codec.mapper()));
            long n = 0;
            while (calls.hasNext()) {
                calls.next();
                n++;
            }
            return n;
        } catch (NoSuchFileException e) {
            throw new CommandLine.ParameterException(cl, "--input " + input + ": no such file");
        } catch (InputException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage(), e);
        }
    }
}
