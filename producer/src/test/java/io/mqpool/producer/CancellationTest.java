package io.mqpool.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CancellationTest {
    private final FakeClock clock = new FakeClock();
    private final Cancellation cancellation = new Cancellation(clock);
    private final List<long[]> asked = new ArrayList<>();

    /** Answers two indexes per call, as the inbox answers a batch. */
    private long answerTwo(long from, long to) {
        asked.add(new long[] {from, to});
        return Math.min(to, from + 2);
    }

    @Test
    void theGraceStartsAtTheFirstMarkOnly() {
        assertThat(cancellation.isCancelled()).isFalse();
        cancellation.mark();
        clock.advance(Duration.ofSeconds(1));
        cancellation.mark();

        assertThat(cancellation.isCancelled()).isTrue();
        assertThat(cancellation.graceLeft(clock.nanoTime())).isEqualTo(Cancellation.GRACE_NANOS
                - Duration.ofSeconds(1).toNanos());
    }

    @Test
    void theEndIsFixedAtTheFirstCallAndCoversAKnownInput() {
        assertThat(cancellation.end(4, 10)).isEqualTo(10);
        assertThat(cancellation.end(6, 12)).as("fixed").isEqualTo(10);
        assertThat(new Cancellation(clock).end(4, -1)).as("unknown size: what was read").isEqualTo(4);
    }

    @Test
    void waitsForThePublishedItemsWithinTheGraceThenAnswersTheRestInBatches() {
        cancellation.mark();
        cancellation.end(4, 7);
        long now = clock.nanoTime();

        assertThat(cancellation.answerRest(now, 3, this::answerTwo)).as("item 3 may still come").isFalse();
        assertThat(cancellation.answerRest(now + Cancellation.GRACE_NANOS, 3, this::answerTwo)).isTrue();
        assertThat(cancellation.answerRest(now, 4, this::answerTwo)).isTrue();
        assertThat(cancellation.answerRest(now, 4, this::answerTwo)).isTrue();
        assertThat(cancellation.answerRest(now, 4, this::answerTwo)).isTrue();
        assertThat(cancellation.answerRest(now, 4, this::answerTwo)).as("all of 0..6 answered").isFalse();
        assertThat(asked).extracting(a -> a[0]).containsExactly(0L, 2L, 4L, 6L);
        assertThat(asked).allSatisfy(a -> assertThat(a[1]).isEqualTo(7));
    }
}
