package io.mqpool.clisupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class DurationConverterTest {
    private final DurationConverter converter = new DurationConverter();

    @Test
    void acceptsShortFormsAndIso8601() {
        assertThat(converter.convert("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(converter.convert("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(converter.convert("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void rejectsOtherTextWithAPreciseMessage() {
        assertThatThrownBy(() -> converter.convert("soon")).isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessage("invalid duration 'soon': use e.g. 500ms, 30s, 5m, 1h or PT30S");
    }

    @Command(name = "sleepy")
    static final class Sleepy implements Callable<Integer> {
        @Option(names = "--for", paramLabel = "DURATION")
        Duration time;

        @Override
        public Integer call() {
            return (int) time.toMillis();
        }
    }

    @Test
    void aCommandLineGetsItForEveryDurationOption() {
        Sleepy command = new Sleepy();
        CommandLine cl = new ExitCodes("sleepy", false).install(new CommandLine(command));
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        assertThat(cl.execute("--for", "250ms")).isEqualTo(250);
        assertThat(cl.execute("--for", "later")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).startsWith("sleepy: Invalid value for option '--for': invalid duration 'later'");
    }
}
