package io.mqpool.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqpool.config.ConnectionSettings;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PoolSettingsTest {
    private final PoolSettings settings = PoolSettings.of(ConnectionSettings.of("amqp://localhost")).withQueue("jobs");

    @Test
    void oneShardIsTheQueueAloneAndMoreAddNumberedQueues() {
        assertThat(settings.queues()).containsExactly("jobs");
        assertThat(settings.withShards(3).queues()).containsExactly("jobs", "jobs.shard-1", "jobs.shard-2");
    }

    @Test
    void aShardCountOutOfRangeIsRefusedWithItsLimits() {
        assertThatThrownBy(() -> settings.withShards(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("shards must be 1..64, got 0");
        assertThatThrownBy(() -> settings.withShards(65)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("shards must be 1..64, got 65");
    }

    @Test
    void aRandomPoolIdIsTenLowerCaseLettersOrDigitsThatAValidPoolIdAccepts() {
        Set<String> ids = new HashSet<>();
        for (int k = 0; k < 1_000; k++) {
            String id = PoolParts.randomPoolId();
            assertThat(id).matches("[0-9a-z]{" + PoolParts.POOL_ID_LENGTH + "}");
            assertThat(settings.withPoolId(id).poolId()).isEqualTo(id);
            ids.add(id);
        }
        assertThat(ids).hasSize(1_000);
    }
}
