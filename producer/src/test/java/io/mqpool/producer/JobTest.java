package io.mqpool.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.mqpool.MqpoolException;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.ErrorCode;
import io.mqpool.protocol.IntegralItems;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.Protocol;
import io.mqpool.protocol.RemoteError;
import io.mqpool.protocol.ResultMessage;
import io.mqpool.protocol.TaskItem;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The job's window, deadline, retries, resume and lifecycle, driven by a fake link and a fake clock. */
class JobTest {
    private static final String ID = "pool-1";
    private static final Window.Limits LIMITS = new Window.Limits(2, 262_144);

    private final Codec codec = Codec.defaults();
    private final FakeLink link = new FakeLink();
    private final FakeClock clock = new FakeClock();
    private final ArrayDeque<ItemResult> out = new ArrayDeque<>();

    private static Iterator<JsonNode> items(long n) {
        return LongStream.range(0, n).<JsonNode>mapToObj(i -> JsonNodeFactory.instance.arrayNode().add(i)).iterator();
    }

    private Job job(long n, JobOptions options, boolean ordered) {
        return job(n, options, ordered, LIMITS);
    }

    private Job job(long n, JobOptions options, boolean ordered, Window.Limits limits) {
        return new Job(new JobSpec(ID, "cube", n, ordered, options, limits), items(n), link, clock);
    }

    private static ResultMessage results(long... indices) {
        return ResultMessage.of(Protocol.VERSION, ID, LongStream.of(indices)
                .mapToObj(i -> ItemResult.ok(i, JsonNodeFactory.instance.numberNode(i * i * i))).toList());
    }

    private List<Long> taken() {
        List<Long> indices = out.stream().map(ItemResult::i).toList();
        out.clear();
        return indices;
    }

    @Test
    void publishesNoMoreThanTheWindowAndYieldsInInputOrder() {
        Job job = job(10, JobOptions.DEFAULTS.withChunkSize(2), true);

        assertThat(job.poll(out).kind()).isEqualTo(Job.Step.Kind.WAIT);
        assertThat(link.publishedIndices()).as("2 messages of 2 items").containsExactly(0L, 1L, 2L, 3L);

        link.sink.deliver(results(2, 3));
        assertThat(job.poll(out).kind()).as("item 0 is still missing").isEqualTo(Job.Step.Kind.WAIT);
        assertThat(link.sent).hasSize(2);

        link.sink.deliver(results(0, 1));
        assertThat(job.poll(out).kind()).isEqualTo(Job.Step.Kind.READY);
        assertThat(taken()).containsExactly(0L, 1L, 2L, 3L);
        job.poll(out);
        assertThat(link.publishedIndices()).as("the window moved on").endsWith(4L, 5L, 6L, 7L).hasSize(8);
    }

    /**
     * Java items as Pool.map gives them: Long and Integer items are cut into compact chunks without their nodes, any
     * other item into task items, and every message goes on the wire as the general path writes it.
     */
    @Test
    void integralItemsAreCutCompactlyAndEveryChunkIsWrittenAsItsTaskItems() {
        List<Object> values = List.of(1L, 2, Long.MIN_VALUE, "x", 5L, 6L, 7, 8L, List.of(9), 10L, 11L, 12L);
        Job job = new Job(new JobSpec(ID, "cube", values.size(), true, JobOptions.DEFAULTS.withChunkSize(3),
                new Window.Limits(100, 262_144)), Arguments.single(codec.mapper(), values), link, clock);

        job.poll(out);

        assertThat(link.publishedIndices()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
        assertThat(link.sent).extracting(sent -> sent.message().items() instanceof IntegralItems)
                .containsExactly(true, false, false, true);
        Iterator<JsonNode> general = Arguments.single(codec.mapper(), values);
        for (FakeLink.Sent sent : link.sent) {
            List<TaskItem> plain = new ArrayList<>();
            for (TaskItem item : sent.message().items()) {
                plain.add(new TaskItem(item.i(), general.next()));
            }
            assertThat(new String(codec.encode(sent.message(), "task"), StandardCharsets.UTF_8)).isEqualTo(new String(
                    codec.encode(sent.message().withItems(plain), "task"), StandardCharsets.UTF_8));
        }
    }

    /** Records what the job tells of itself. */
    private static final class RecordingEvents implements JobEvents {
        final List<String> told = new java.util.ArrayList<>();

        @Override
        public void started(JobSpec spec) {
            told.add("started " + spec.id());
        }

        @Override
        public void finished(JobSpec spec) {
            told.add("finished " + spec.id());
        }

        @Override
        public void cancel(String jobId) {
            told.add("cancel " + jobId);
        }
    }

    private List<ItemResult> drainAll(Job job) {
        List<ItemResult> all = new java.util.ArrayList<>();
        for (int polls = 0; polls < 1_000; polls++) {
            Job.Step step = job.poll(out);
            all.addAll(out);
            out.clear();
            if (step.kind() == Job.Step.Kind.DONE) {
                return all;
            }
            if (step.kind() == Job.Step.Kind.WAIT) {
                return all;
            }
        }
        return all;
    }

    @Test
    void aCancelledJobWaitsForTheWorkersWithinTheGraceThenAccountsForEveryIndex() {
        RecordingEvents events = new RecordingEvents();
        Job job = new Job(new JobSpec(ID, "cube", 10, true, JobOptions.DEFAULTS.withChunkSize(2), LIMITS), items(10),
                link, clock, PoolMeters.none(), events);
        job.poll(out);
        link.sink.deliver(results(0, 1));
        assertThat(drainAll(job)).extracting(ItemResult::i).containsExactly(0L, 1L);
        int publishedBefore = link.sent.size();

        job.cancel();
        List<ItemResult> waiting = drainAll(job);
        assertThat(waiting).as("items 4..5 were published: the workers may still answer them").isEmpty();
        assertThat(link.sent).as("nothing more is published").hasSize(publishedBefore);

        link.sink.deliver(results(2, 3));
        clock.advance(Duration.ofNanos(Cancellation.GRACE_NANOS - 1));
        assertThat(drainAll(job)).extracting(ItemResult::i).containsExactly(2L, 3L);

        clock.advance(Duration.ofNanos(1));
        List<ItemResult> rest = drainAll(job);
        assertThat(rest).extracting(ItemResult::i).containsExactly(4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(rest).allSatisfy(r -> assertThat(r.error().code()).isEqualTo("CANCELLED"));
        assertThat(job.poll(out).kind()).isEqualTo(Job.Step.Kind.DONE);
        assertThat(events.told).containsExactly("started " + ID, "cancel " + ID, "finished " + ID);
    }

    @Test
    void aCancelledJobEndsAtOnceWhenTheWorkersHaveAnsweredEverythingPublished() {
        Job job = job(6, JobOptions.DEFAULTS.withChunkSize(2), true);
        job.poll(out);
        RemoteError cancelled = RemoteError.of(ErrorCode.CANCELLED, "job was cancelled");
        link.sink.deliver(ResultMessage.of(Protocol.VERSION, ID, List.of(ItemResult.ok(0,
                JsonNodeFactory.instance.numberNode(0)), ItemResult.failed(1, cancelled))));
        link.sink.deliver(ResultMessage.of(Protocol.VERSION, ID, List.of(ItemResult.failed(2, cancelled),
                ItemResult.failed(3, cancelled))));

        List<ItemResult> all = drainAll(job);
        assertThat(all).as("a CANCELLED answer from a worker cancels the job here too")
                .extracting(ItemResult::i).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(all.get(0).isOk()).isTrue();
        assertThat(job.poll(out).kind()).isEqualTo(Job.Step.Kind.DONE);
        assertThat(link.publishedIndices()).containsExactly(0L, 1L, 2L, 3L);
    }

    @Test
    void aCancelledJobOfUnknownSizeEndsAfterWhatItRead() {
        Job job = new Job(new JobSpec(ID, "cube", -1, false, JobOptions.DEFAULTS.withChunkSize(2), LIMITS), items(100),
                link, clock);
        job.poll(out);
        job.cancel();
        clock.advance(Duration.ofNanos(Cancellation.GRACE_NANOS));
        List<ItemResult> all = drainAll(job);
        assertThat(all).extracting(ItemResult::i).containsExactlyInAnyOrder(0L, 1L, 2L, 3L);
        assertThat(job.poll(out).kind()).isEqualTo(Job.Step.Kind.DONE);
    }

    @Test
    void completesAndUnregistersOnceEveryResultWasTaken() {
        Job job = job(3, JobOptions.DEFAULTS.withChunkSize(3), true);
        job.poll(out);
        link.sink.deliver(results(0, 1, 2));

        assertThat(job.poll(out).kind()).isEqualTo(Job.Step.Kind.READY);
        assertThat(taken()).containsExactly(0L, 1L, 2L);
        assertThat(job.poll(out).kind()).isEqualTo(Job.Step.Kind.DONE);
        assertThat(link.cancels).isEqualTo(1);
        assertThat(job.stats()).isEqualTo(new JobStats(3, 0, 3, 3, 0, 0));
    }

    @Test
    void aRetriedItemAnsweredLastKeepsItsPlaceAndIsCountedApart() {
        // A chunk of 3 whose middle item a worker retried: its result comes after many later items' results.
        Job job = job(40, JobOptions.DEFAULTS.withChunkSize(3).withMaxAttempts(3), true,
                new Window.Limits(16, 262_144));
        job.poll(out);
        assertThat(link.sent.get(0).message().maxAttempts()).isEqualTo(3);
        link.sink.deliver(results(0, 2));
        for (long i = 3; i < 40; i++) {
            job.poll(out);
            link.sink.deliver(results(i));
        }
        job.poll(out);
        assertThat(taken()).as("ordered output waits for item 1").containsExactly(0L);

        link.sink.deliver(results(1).fromAttempt(3));
        job.poll(out);
        assertThat(taken()).hasSize(39).startsWith(1L, 2L, 3L).endsWith(39L);
        assertThat(job.poll(out).kind()).isEqualTo(Job.Step.Kind.DONE);
        JobStats stats = job.stats();
        assertThat(stats.completed()).isEqualTo(40);
        assertThat(stats.retried()).isEqualTo(1);
        assertThat(stats.strays()).isZero();
        assertThat(stats.duplicates()).isZero();
    }

    @Test
    void unorderedJobYieldsResultsAsTheyArrive() {
        Job job = job(4, JobOptions.DEFAULTS.withChunkSize(1), false);
        job.poll(out);
        link.sink.deliver(results(1));

        assertThat(job.poll(out).kind()).isEqualTo(Job.Step.Kind.READY);
        assertThat(taken()).containsExactly(1L);
    }

    @Test
    void nackedMessageIsPublishedAgainAfterItsBackoff() {
        Job job = job(1, JobOptions.DEFAULTS.withChunkSize(1), true);
        job.poll(out);
        FakeLink.Sent first = link.sent.get(0);

        first.sink().republish(first.message(), first.attempt());
        Job.Step step = job.poll(out);
        assertThat(step.kind()).isEqualTo(Job.Step.Kind.WAIT);
        assertThat(step.waitNanos()).as("wakes when the 50 ms backoff ends")
                .isEqualTo(TimeUnit.MILLISECONDS.toNanos(Backoff.delayMillis(1)));
        assertThat(link.sent).hasSize(1);

        clock.advance(Duration.ofMillis(Backoff.delayMillis(1)));
        job.poll(out);
        assertThat(link.sent).hasSize(2);
        assertThat(link.sent.get(1).message()).isEqualTo(first.message());
        assertThat(link.sent.get(1).attempt()).isEqualTo(2);
        assertThat(job.stats().republished()).isEqualTo(1);
        assertThat(job.stats().published()).as("a republish is not a new item").isEqualTo(1);
    }

    /** F3 once saw a message the broker had taken after all republished after its job ended: it was parked. */
    @Test
    void aRepublishSendsOnlyTheItemsStillUnansweredAndNothingWhenAllAre() {
        Job job = job(4, JobOptions.DEFAULTS.withChunkSize(2), true);
        job.poll(out);
        assertThat(link.sent).hasSize(2);
        FakeLink.Sent first = link.sent.get(0);
        FakeLink.Sent second = link.sent.get(1);

        first.sink().republish(first.message(), first.attempt());
        second.sink().republish(second.message(), second.attempt());
        link.sink.deliver(results(0, 2, 3));
        clock.advance(Duration.ofMillis(Backoff.delayMillis(1)));
        job.poll(out);

        assertThat(link.sent).hasSize(3);
        assertThat(link.sent.get(2).message().items()).extracting(TaskItem::i).containsExactly(1L);
        assertThat(link.sent.get(2).attempt()).isEqualTo(2);
    }

    @Test
    void missedDeadlineThrowsJobTimeoutAndClosesTheJob() {
        Job job = job(5, JobOptions.DEFAULTS.withChunkSize(1).withTimeout(Duration.ofSeconds(3)), true);
        Job.Step step = job.poll(out);
        assertThat(step.waitNanos()).as("never longer than a second").isEqualTo(TimeUnit.SECONDS.toNanos(1));

        clock.advance(Duration.ofMillis(2_500));
        assertThat(job.poll(out).waitNanos()).as("until the deadline").isEqualTo(TimeUnit.MILLISECONDS.toNanos(500));

        clock.advance(Duration.ofMillis(500));
        assertThatThrownBy(() -> job.poll(out)).isInstanceOf(JobTimeoutException.class)
                .hasMessageContaining("job pool-1 timed out after PT3S with 0 of");
        assertThat(link.cancels).isEqualTo(1);
        assertThatThrownBy(() -> job.poll(out)).as("and on every later poll").isInstanceOf(JobTimeoutException.class);
    }

    @Test
    void jobThatThrowsItsFailureClosesAndStopsBuffering() {
        Job job = job(4, JobOptions.DEFAULTS.withChunkSize(1), true);
        job.poll(out);
        link.sink.fail(new MqpoolException("broker closed the publishing channel"));

        assertThatThrownBy(() -> job.poll(out)).hasMessage("broker closed the publishing channel");
        assertThat(link.cancels).as("unregistered from the result queue").isEqualTo(1);
        link.sink.deliver(results(1));
        assertThat(job.stats().completed()).as("a late result is not buffered").isZero();
        assertThat(job.isStopped()).isFalse();
    }

    @Test
    void unreadableTaskMessageFailsTheJob() {
        Job job = job(2, JobOptions.DEFAULTS.withChunkSize(1), true);
        job.poll(out);
        link.sink.deliver(ResultMessage.failed(ID, RemoteError.of(ErrorCode.MALFORMED, "not JSON")));

        assertThatThrownBy(() -> job.poll(out)).isInstanceOf(MqpoolException.class)
                .hasMessageContaining("a worker could not read a task message of job pool-1");
        assertThat(link.cancels).isEqualTo(1);
    }

    @Test
    void closedJobStopsWithoutAFailure() {
        Job job = job(2, JobOptions.DEFAULTS.withChunkSize(1), true);
        job.poll(out);
        job.close();
        job.close();

        assertThat(job.isStopped()).isTrue();
        assertThat(job.poll(out).kind()).isEqualTo(Job.Step.Kind.DONE);
        assertThat(link.cancels).isEqualTo(1);
    }

    @Test
    void oversizeChunkIsHalvedAndALoneOversizeItemFailsAsTooLarge() {
        link.tooLarge = m -> m.items().stream().anyMatch(item -> item.i() == 2);
        Job job = job(4, JobOptions.DEFAULTS.withChunkSize(4), true);

        job.poll(out);
        assertThat(link.publishedIndices()).containsExactly(0L, 1L, 3L);
        link.sink.deliver(results(0, 1, 3));
        job.poll(out);
        List<ItemResult> all = List.copyOf(out);
        assertThat(all).extracting(ItemResult::i).containsExactly(0L, 1L, 2L, 3L);
        assertThat(all.get(2).error().code()).isEqualTo("TOO_LARGE");
        assertThat(all.get(2).error().message()).contains("refused before publishing");
    }

    @Test
    void duplicatesAndTheReorderPeakAreCounted() {
        Job job = job(4, JobOptions.DEFAULTS.withChunkSize(1), true);
        job.poll(out);
        link.sink.deliver(results(1));
        link.sink.deliver(results(1));
        link.sink.deliver(results(0));

        assertThat(job.stats()).isEqualTo(new JobStats(2, 0, 2, 2, 1, 0));
    }

    @Test
    void automaticChunksProbeWithSingleItemsUntilTheFirstTiming() {
        Job job = job(1_000, JobOptions.DEFAULTS, true, new Window.Limits(256, 262_144));
        Job.Step step = job.poll(out);

        assertThat(link.sent).hasSize(ChunkSizer.PROBE_MESSAGES);
        assertThat(link.sent).allMatch(s -> s.message().items().size() == 1);
        assertThat(step.waitNanos()).as("wakes when the probe lapses").isEqualTo(ChunkSizer.PROBE_NANOS);

        link.sink.deliver(ResultMessage.timed(Protocol.VERSION, ID, results(0).results(), 10));
        job.poll(out);
        assertThat(link.sent.get(link.sent.size() - 1).message().items()).as("chunked once timed").hasSizeGreaterThan(1);
    }

    @Test
    void resumedJobWaitsForThePriorResultsThenPublishesOnlyWhatIsNotCovered() {
        link.priorMessages = 2;
        Job job = job(5, JobOptions.DEFAULTS.withChunkSize(1), true);

        Job.Step step = job.poll(out);
        assertThat(link.sent).as("nothing before the prior results are read").isEmpty();
        assertThat(step.waitNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(1));

        link.sink.published(new long[] {1});
        link.sink.deliver(results(0));
        assertThat(job.poll(out).kind()).isEqualTo(Job.Step.Kind.READY);
        assertThat(taken()).containsExactly(0L);
        job.poll(out);
        link.sink.deliver(results(1, 2));
        job.poll(out);
        assertThat(taken()).containsExactly(1L, 2L);
        job.poll(out);
        link.sink.deliver(results(3, 4));
        job.poll(out);
        assertThat(taken()).containsExactly(3L, 4L);

        assertThat(link.publishedIndices()).as("0 was answered, 1 published, by the earlier run")
                .containsExactly(2L, 3L, 4L);
        assertThat(job.poll(out).kind()).isEqualTo(Job.Step.Kind.DONE);
    }

    @Test
    void resumedJobStopsWaitingAfterTheGracePeriod() {
        link.priorMessages = 5;
        Job job = job(3, JobOptions.DEFAULTS.withChunkSize(1), true);
        job.poll(out);
        assertThat(link.sent).isEmpty();

        clock.advance(Duration.ofNanos(ResumeState.GRACE_NANOS));
        job.poll(out);
        assertThat(link.publishedIndices()).containsExactly(0L, 1L);
    }
}
