package io.mqpool.clisupport;

import io.mqpool.config.Durations;
import java.time.Duration;
import picocli.CommandLine;

/**
 * Converts an option value such as {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h} or ISO-8601 {@code PT30S} to a
 * {@link Duration}; picocli reports a bad one as a usage error naming the option. Register it per option
 * ({@code converter = DurationConverter.class}) or for the whole command line ({@link #register}).
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    /** Makes every {@code Duration} option and parameter of {@code cl} (and its subcommands) use this converter. */
    public static CommandLine register(CommandLine cl) {
        return cl.registerConverter(Duration.class, new DurationConverter());
    }
}
