package io.mqpool.producer;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqpool.config.ConnectionSettings;
import org.junit.jupiter.api.Test;

/** A caller's mapper is checked before the pool connects. */
class PoolMapperTest {
    @Test
    void aNullMapperIsRefusedBeforeConnecting() {
        PoolSettings settings = PoolSettings.of(ConnectionSettings.of("amqp://127.0.0.1:1"));
        assertThatThrownBy(() -> Pool.create(settings, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the ObjectMapper must not be null");
    }
}
