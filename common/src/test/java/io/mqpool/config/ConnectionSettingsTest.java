package io.mqpool.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConnectionSettingsTest {
    @Test
    void tlsCaFileIsKeptByTheOtherWithers() {
        ConnectionSettings s = ConnectionSettings.of("amqps://localhost").withTlsCaFile(Path.of("ca.pem"))
                .withMaxMessageBytes(4_096);

        assertThat(s.tlsCaFile()).isEqualTo(Path.of("ca.pem"));
        assertThat(s.withTlsCaFile(null).tlsCaFile()).isNull();
        assertThat(s.withTlsCaFile(Path.of("")).tlsCaFile()).as("an empty MQPOOL_TLS_CA").isNull();
    }

    @Test
    void tlsCaFileWithAPlainUrlIsRefused() {
        assertThatThrownBy(() -> ConnectionSettings.of("amqp://u:secret@localhost").withTlsCaFile(Path.of("ca.pem")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a TLS CA file is set but the broker URL amqp://u@localhost:5672/ is not amqps://");
    }
}
