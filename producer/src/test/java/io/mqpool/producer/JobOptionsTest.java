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
}
