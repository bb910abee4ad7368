package io.mqpool.producer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChunkSizerTest {
    @Test
    void chunkSizeSpreadsKnownInputsAndCapsLargeOnes() {
        assertThat(ChunkSizer.choose(9)).isEqualTo(1);
        assertThat(ChunkSizer.choose(0)).isEqualTo(1);
        assertThat(ChunkSizer.choose(3_200)).isEqualTo(100);
        assertThat(ChunkSizer.choose(10_000_000)).isEqualTo(ChunkSizer.MAX_CHUNK);
        assertThat(ChunkSizer.choose(-1)).isEqualTo(ChunkSizer.STREAMING_CHUNK);
    }

    @Test
    void probesWithAFewSingleItemsUntilATimingArrives() {
        ChunkSizer sizer = new ChunkSizer(1_000_000);
        long t0 = 1_000_000_000L;
        assertThat(sizer.probeNanosLeft(t0)).isZero();
        assertThat(sizer.next()).isEqualTo(1);
        assertThat(sizer.inFlightLimit(t0)).isEqualTo(ChunkSizer.PROBE_MESSAGES);
        assertThat(sizer.probeNanosLeft(t0 + 5_000_000)).isEqualTo(ChunkSizer.PROBE_NANOS - 5_000_000);
        sizer.observe(100, 1); // 100 us per item
        assertThat(sizer.inFlightLimit(t0 + 6_000_000)).isEqualTo(Long.MAX_VALUE);
        assertThat(sizer.probeNanosLeft(t0 + 6_000_000)).isZero();
        assertThat(sizer.next()).isEqualTo((int) (ChunkSizer.TARGET_MESSAGE_MICROS / 100));
    }

    @Test
    void probeLapsesForSlowTasksWhichStayAtOneItemPerMessage() {
        ChunkSizer sizer = new ChunkSizer(1_000);
        long t0 = 42L;
        assertThat(sizer.inFlightLimit(t0)).isEqualTo(ChunkSizer.PROBE_MESSAGES);
        assertThat(sizer.inFlightLimit(t0 + ChunkSizer.PROBE_NANOS)).isEqualTo(Long.MAX_VALUE);
        assertThat(sizer.probeNanosLeft(t0 + ChunkSizer.PROBE_NANOS)).isZero();
        sizer.observe(2_000_000, 1); // 2 s per item
        assertThat(sizer.next()).isEqualTo(1);
    }

    @Test
    void chunkIsCappedByTheKnownInput() {
        ChunkSizer sizer = new ChunkSizer(3_200);
        sizer.observe(1, 1_000); // 1 ns per item
        assertThat(sizer.next()).isEqualTo(100);
    }
}
