package io.mqpool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aKnownTotalShowsDoneTotalPercentRateAndEta() {
        assertThat(Progress.line(250, 0, 1_000, 5 * SECOND)).isEqualTo("mqpool: 250/1,000 (25%), 50 items/s, ETA 0:15");
        assertThat(Progress.line(250, 3, 1_000, 5 * SECOND)).endsWith("ETA 0:15, 3 failed");
        assertThat(Progress.line(1_000, 0, 1_000, 5 * SECOND)).isEqualTo("mqpool: 1,000/1,000 (100%), 200 items/s, ETA 0:00");
    }

    @Test
    void anUnknownTotalShowsACounterAndTheRate() {
        assertThat(Progress.line(12_345, 0, -1, 10 * SECOND)).isEqualTo("mqpool: 12,345 done, 1,235 items/s");
    }

    @Test
    void etaIsMinutesAndSecondsThenHours() {
        assertThat(Progress.eta(90, 1)).isEqualTo("1:30");
        assertThat(Progress.eta(3_661, 1)).isEqualTo("1:01:01");
        assertThat(Progress.eta(10, 0)).isEqualTo("?");
    }

    @Test
    void printsAfterOneSecondAtMostEveryQuarterSecondAndClearsItsLine() {
        AtomicLong now = new AtomicLong(0);
        StringWriter err = new StringWriter();
        try (Progress p = new Progress(new PrintWriter(err), true, 100, now::get)) {
            p.update(1, 0);
            assertThat(err.toString()).isEmpty();
            now.set(2 * SECOND);
            p.update(50, 0);
            assertThat(err.toString()).isEqualTo("\rmqpool: 50/100 (50%), 25 items/s, ETA 0:02\033[K");
            now.addAndGet(SECOND / 10);
            p.update(51, 0);
            assertThat(err.toString()).doesNotContain("51/100");
            now.addAndGet(SECOND / 2);
            p.update(60, 0);
            assertThat(err.toString()).contains("60/100");
        }
        assertThat(err.toString()).endsWith("\r\033[K");
    }

    @Test
    void printsNothingWhenNotOnATerminal() {
        AtomicLong now = new AtomicLong(0);
        StringWriter err = new StringWriter();
        try (Progress p = new Progress(new PrintWriter(err), false, 100, now::get)) {
            now.set(10 * SECOND);
            p.update(50, 0);
        }
        assertThat(err.toString()).isEmpty();
    }
}
