package io.mqpool.clisupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CliLoggingTest {
    @Test
    void theOptionWinsOverTheEnvironmentWhichWinsOverText() {
        assertThat(CliLogging.format(new String[] {"--queue", "q"}, Map.of())).isEqualTo(CliLogging.Format.text);
        assertThat(CliLogging.format(new String[] {"--log-format", "json"}, Map.of())).isEqualTo(CliLogging.Format.json);
        assertThat(CliLogging.format(new String[] {"--log-format=json"}, Map.of())).isEqualTo(CliLogging.Format.json);
        assertThat(CliLogging.format(new String[0], Map.of(CliLogging.ENV_LOG_FORMAT, "json")))
                .isEqualTo(CliLogging.Format.json);
        assertThat(CliLogging.format(new String[] {"--log-format", "text"}, Map.of(CliLogging.ENV_LOG_FORMAT, "json")))
                .isEqualTo(CliLogging.Format.text);
        assertThat(CliLogging.format(new String[] {"--", "--log-format", "json"}, Map.of()))
                .isEqualTo(CliLogging.Format.text);
    }
}
