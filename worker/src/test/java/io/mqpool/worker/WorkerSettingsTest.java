package io.mqpool.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The runaway grace of {@link WorkerSettings}: a default, and validated like the other durations. */
class WorkerSettingsTest {
    @Test
    void theRunawayGraceDefaultsToFiveSeconds() {
        assertThat(Fakes.settings(1).runawayGrace()).isEqualTo(Duration.ofSeconds(5))
                .isEqualTo(WorkerSettings.DEFAULT_RUNAWAY_GRACE);
        assertThat(Fakes.settings(1).withRunawayGrace(Duration.ofMillis(200)).runawayGrace())
                .isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void aRunawayGraceThatIsNotPositiveIsRefusedWithItsName() {
        WorkerSettings s = Fakes.settings(1);
        assertThatIllegalArgumentException().isThrownBy(() -> s.withRunawayGrace(Duration.ZERO))
                .withMessage("runaway grace must be positive, got PT0S");
        assertThatIllegalArgumentException().isThrownBy(() -> s.withRunawayGrace(Duration.ofSeconds(-1)))
                .withMessage("runaway grace must be positive, got PT-1S");
        assertThatIllegalArgumentException().isThrownBy(() -> s.withRunawayGrace(null))
                .withMessage("runaway grace must be positive, got null");
    }
}
