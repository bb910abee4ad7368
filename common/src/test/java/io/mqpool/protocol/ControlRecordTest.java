package io.mqpool.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The records of the control stream (§18): exact bytes, bad input, newer versions, and the ledger they build. */
class ControlRecordTest {
    private final Codec codec = Codec.defaults();

    private ControlRecord decode(String json) {
        return codec.decodeControl(json.getBytes(StandardCharsets.UTF_8));
    }

    private String encode(ControlRecord r) {
        return new String(codec.encode(r, "control record"), StandardCharsets.UTF_8);
    }

    @Test
    void recordsHaveTheExactBytesOfTheProtocol() {
        assertThat(encode(ControlRecord.cancel("p1-1", "mqpool.tasks", 1700000000000L)))
                .isEqualTo("{\"v\":1,\"type\":\"cancel\",\"job\":\"p1-1\",\"queue\":\"mqpool.tasks\",\"at\":1700000000000}");
        assertThat(encode(ControlRecord.started("p1-1", "mqpool.tasks", "sleep", 5000L, 1700000000000L)))
                .isEqualTo("{\"v\":1,\"type\":\"job-started\",\"job\":\"p1-1\",\"queue\":\"mqpool.tasks\","
                        + "\"task\":\"sleep\",\"items\":5000,\"at\":1700000000000}");
        assertThat(encode(ControlRecord.finished("p1-1", "mqpool.tasks", 1700000000001L)))
                .isEqualTo("{\"v\":1,\"type\":\"job-finished\",\"job\":\"p1-1\",\"queue\":\"mqpool.tasks\","
                        + "\"at\":1700000000001}");
    }

    @Test
    void aRecordRoundTrips() {
        ControlRecord r = ControlRecord.started("j", "q", "cube", null, 5);
        assertThat(decode(encode(r))).isEqualTo(r);
    }

    @Test
    void malformedRecordsAreRefusedWithAClearError() {
        for (String bad : new String[] {"", "not json", "[]", "null", "{\"v\":1,\"type\":\"cancel\",\"at\":1}",
            "{\"v\":1,\"type\":\"cancel\",\"job\":5,\"at\":1}", "{\"v\":1,\"type\":\"\",\"job\":\"j\",\"at\":1}",
            "{\"v\":0,\"type\":\"cancel\",\"job\":\"j\",\"at\":1}", "{\"v\":1,\"type\":\"cancel\",\"job\":\"j\"}",
            "{\"v\":1,\"type\":\"cancel\",\"job\":\"j\",\"at\":1,\"job\":\"k\"}",
            "{\"v\":1,\"type\":\"cancel\",\"job\":\"j\",\"at\":-1}",
            "{\"@class\":\"java.lang.ProcessBuilder\",\"v\":1,\"type\":\"cancel\",\"job\":{\"@class\":\"x\"},\"at\":1}"}) {
            assertThatThrownBy(() -> decode(bad)).as(bad).isInstanceOf(MalformedMessageException.class);
        }
    }

    @Test
    void aNewerVersionOrUnknownTypeDecodesButIsNotSupported() {
        assertThat(decode("{\"v\":2,\"type\":\"cancel\",\"job\":\"j\",\"at\":1,\"reason\":\"x\"}").isSupported())
                .isFalse();
        assertThat(decode("{\"v\":1,\"type\":\"pause\",\"job\":\"j\",\"at\":1}").isSupported()).isFalse();
        assertThat(decode("{\"v\":1,\"type\":\"cancel\",\"job\":\"j\",\"at\":1,\"extra\":true}").isSupported())
                .isTrue();
    }

    @Test
    void theLedgerTellsStartedFinishedAndCancelledJobsApart() {
        JobLedger ledger = new JobLedger();
        ledger.apply(ControlRecord.started("a", "q", "sleep", 3L, 10));
        ledger.apply(ControlRecord.started("b", "q", "cube", null, 11));
        ledger.apply(ControlRecord.started("c", "q", "cube", 1L, 12));
        ledger.apply(ControlRecord.finished("b", "q", 20));
        ledger.apply(ControlRecord.cancel("c", "q", 21));
        ledger.apply(ControlRecord.cancel("c", "q", 22));
        ledger.apply(ControlRecord.sync("marker", 23));
        ledger.apply(new ControlRecord(9, "cancel", "a", null, null, null, 24));

        assertThat(ledger.inFlight()).extracting(JobLedger.Entry::job).containsExactly("a");
        assertThat(ledger.find("a").orElseThrow().items()).isEqualTo(3L);
        assertThat(ledger.find("b").orElseThrow().finishedAt()).isEqualTo(20L);
        assertThat(ledger.find("c").orElseThrow().cancelledAt()).as("the first cancel counts").isEqualTo(21L);
        assertThat(ledger.find("marker")).isEmpty();
        assertThat(ledger.find("nope")).isEmpty();
        assertThat(ledger.skipped()).isEqualTo(1);
    }
}
