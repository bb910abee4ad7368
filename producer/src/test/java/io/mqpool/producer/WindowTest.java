package io.mqpool.producer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WindowTest {
    @Test
    void fixedChunkAllowsTheChunkTimesTheMessagesInFlight() {
        Window w = new Window(10, -1, new Window.Limits(4, 1_000));
        assertThat(w.hasRoom(30, 0)).isTrue();
        assertThat(w.hasRoom(31, 0)).isFalse();
        assertThat(w.nanosUntilProbeEnds(0)).isZero();
    }

    @Test
    void itemCapBoundsTheWindowButNeverBelowOneChunk() {
        Window capped = new Window(100, -1, new Window.Limits(256, 250));
        assertThat(capped.hasRoom(150, 0)).isTrue();
        assertThat(capped.hasRoom(151, 0)).isFalse();
        Window oneChunk = new Window(500, -1, new Window.Limits(256, 250));
        assertThat(oneChunk.hasRoom(0, 0)).isTrue();
        assertThat(oneChunk.hasRoom(1, 0)).isFalse();
    }

    @Test
    void automaticChunksProbeThenFollowTheTimings() {
        Window w = new Window(0, 1_000_000, new Window.Limits(256, 262_144));
        assertThat(w.chunkSize()).isEqualTo(1);
        assertThat(w.hasRoom(ChunkSizer.PROBE_MESSAGES - 1, 0)).isTrue();
        assertThat(w.hasRoom(ChunkSizer.PROBE_MESSAGES, 0)).isFalse();
        assertThat(w.nanosUntilProbeEnds(5)).isEqualTo(ChunkSizer.PROBE_NANOS - 5);
        assertThat(w.hasRoom(ChunkSizer.PROBE_MESSAGES, ChunkSizer.PROBE_NANOS)).as("the probe lapsed").isTrue();

        w.observe(1_000, 1_000);
        assertThat(w.chunkSize()).as("1 us per item, capped for 1,000,000 items").isEqualTo(31_250);
        assertThat(w.nanosUntilProbeEnds(0)).isZero();
    }
}
