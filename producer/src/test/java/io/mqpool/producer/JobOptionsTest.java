package io.mqpool.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class JobOptionsTest {
    @Test
    void maxAttemptsIsOptionalKeptByEveryWitherAndValidated() {
        assertThat(JobOptions.DEFAULTS.maxAttempts()).isNull();
        JobOptions three = JobOptions.DEFAULTS.withMaxAttempts(3);
        assertThat(three.withChunkSize(2).withTimeout(Duration.ofSeconds(5)).withTaskTimeout(Duration.ofSeconds(1))
                .withResumeKey("k").maxAttempts()).isEqualTo(3);
        assertThat(three.withMaxAttempts(null)).isEqualTo(JobOptions.DEFAULTS);
        assertThat(new JobOptions(0, null, null, null)).isEqualTo(JobOptions.DEFAULTS);
        assertThatThrownBy(() -> JobOptions.DEFAULTS.withMaxAttempts(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max attempts must be 1..100, got 0");
        assertThatThrownBy(() -> JobOptions.DEFAULTS.withMaxAttempts(101))
                .hasMessage("max attempts must be 1..100, got 101");
    }

    @Test
    void aTraceparentIsValidatedAndKeptByTheOtherWithers() {
        String tp = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        JobOptions options = JobOptions.DEFAULTS.withTraceparent(tp).withChunkSize(3).withMaxAttempts(2);
        org.assertj.core.api.Assertions.assertThat(options.traceparent()).isEqualTo(tp);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JobOptions.DEFAULTS.withTraceparent("00-xyz"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("traceparent");
    }
}
