package io.mqpool.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BrokerAddressTest {
    @Test
    void parsesAllParts() {
        BrokerAddress a = BrokerAddress.parse("amqps://user:p%40ss@rabbit.example:5999/prod%2Fa");
        assertThat(a).isEqualTo(new BrokerAddress(true, "rabbit.example", 5999, "prod/a", "user", "p@ss"));
    }

    @Test
    void defaultsFollowTheAmqpUriSpec() {
        assertThat(BrokerAddress.parse("amqp://localhost"))
                .isEqualTo(new BrokerAddress(false, "localhost", 5672, "/", "guest", "guest"));
        assertThat(BrokerAddress.parse("amqps://h").port()).isEqualTo(5671);
    }

    @Test
    void toStringNeverShowsThePassword() {
        BrokerAddress a = BrokerAddress.parse("amqp://bob:hunter2@host:5672/vh");
        assertThat(a.toString()).isEqualTo("amqp://bob@host:5672/vh").doesNotContain("hunter2");
        assertThat(BrokerAddress.redact("amqp://bob:hunter2@host")).isEqualTo("amqp://bob:***@host");
    }

    @Test
    void rejectsOtherSchemesWithoutEchoingThePassword() {
        assertThatThrownBy(() -> BrokerAddress.parse("http://bob:hunter2@host"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("amqp://")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> BrokerAddress.parse("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BrokerAddress.parse("amqp://h:99999")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void durationsAcceptShortAndIsoForms() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("2")).isEqualTo(Duration.ofSeconds(2));
        assertThat(Durations.parse("PT1H")).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> Durations.parse("soon")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("soon");
    }
}
