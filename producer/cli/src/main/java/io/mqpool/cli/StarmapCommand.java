package io.mqpool.cli;

import picocli.CommandLine.Command;

/** {@code mqpool starmap}: like map, but each item is the JSON array of one call's arguments. */
@Command(name = "starmap", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Apply TASK to every item's arguments and print the results in input order, like Pool.starmap.",
            "Each ITEM is a JSON array of positional arguments.",
            "Example: mqpool starmap --workers 2 pow '[2,10]' '[3,3]'"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every item succeeded", "1:some item failed (one line each on stderr)",
            "2:invalid command line", "3:broker unreachable or credentials refused"})
final class StarmapCommand extends MapCommand {
    StarmapCommand() {
        super(true);
    }
}
