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
    void aUrlMayListTheNodesOfACluster() {
        BrokerAddress a = BrokerAddress.parse("amqp://bob:s3cr%2Ft@h1:5672,h2:5673,h3/prod");
        assertThat(a.endpoints()).containsExactly(new BrokerAddress.Endpoint("h1", 5672),
                new BrokerAddress.Endpoint("h2", 5673), new BrokerAddress.Endpoint("h3", 5672));
        assertThat(a.password()).isEqualTo("s3cr/t");
        assertThat(a.virtualHost()).isEqualTo("prod");
        assertThat(a.host()).isEqualTo("h1");
        assertThat(a.toString()).isEqualTo("amqp://bob@h1:5672,h2:5673,h3:5672/prod").doesNotContain("s3cr");
        assertThat(BrokerAddress.parse("amqps://u:p@a,b:6000").endpoints()).extracting(BrokerAddress.Endpoint::port)
                .containsExactly(5671, 6000);
        assertThat(BrokerAddress.parse("amqp://[::1]:5699,127.0.0.1").endpoints())
                .containsExactly(new BrokerAddress.Endpoint("::1", 5699), new BrokerAddress.Endpoint("127.0.0.1", 5672));
        assertThat(BrokerAddress.parse("amqp://[::1]:5699").toString()).isEqualTo("amqp://guest@[::1]:5699/");
    }

    @Test
    void aPasswordWithAnAtSignStaysWhole() {
        BrokerAddress a = BrokerAddress.parse("amqp://bob:p@ss@h1,h2/");
        assertThat(a.password()).isEqualTo("p@ss");
        assertThat(a.endpoints()).hasSize(2);
    }

    @Test
    void aBadNodeIsNamedWithoutThePassword() {
        assertThatThrownBy(() -> BrokerAddress.parse("amqp://bob:hunter2@h1,,h3/"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty host")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> BrokerAddress.parse("amqp://bob:hunter2@h1:56x72,h2/"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid port '56x72'")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> BrokerAddress.parse("amqp://bob:hunter2@h1,h2:0/"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..65535");
        assertThatThrownBy(() -> BrokerAddress.parse("amqp://bob:hunter2@/"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> BrokerAddress.parse("amqp://bob:hunter2@h 1/"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("hunter2");
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
