package io.mqpool.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TraceParentTest {
    private static final String GOOD = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    @Test
    void acceptsAVersion00ValueAndGivesItsTraceId() {
        assertThat(TraceParent.parse(GOOD)).hasValueSatisfying(t -> {
            assertThat(t.value()).isEqualTo(GOOD);
            assertThat(t.traceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        });
    }

    @Test
    void acceptsALaterVersionWithMoreFields() {
        assertThat(TraceParent.valid("01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra")).isTrue();
    }

    @Test
    void refusesWhatTheSpecificationRefuses() {
        assertThat(TraceParent.valid(null)).isFalse();
        assertThat(TraceParent.valid("")).isFalse();
        assertThat(TraceParent.valid(GOOD.toUpperCase())).isFalse();
        assertThat(TraceParent.valid(GOOD + "-extra")).as("version 00 has exactly four fields").isFalse();
        assertThat(TraceParent.valid("ff" + GOOD.substring(2))).as("version ff").isFalse();
        assertThat(TraceParent.valid("00-00000000000000000000000000000000-b7ad6b7169203331-01")).isFalse();
        assertThat(TraceParent.valid("00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01")).isFalse();
        assertThat(TraceParent.valid("00-0af7651916cd43dd8448eb211c80319-cb7ad6b7169203331-01")).isFalse();
        assertThat(TraceParent.valid("00_0af7651916cd43dd8448eb211c80319c_b7ad6b7169203331_01")).isFalse();
        assertThat(TraceParent.parse(42)).isEmpty();
        assertThatThrownBy(() -> new TraceParent("nope")).isInstanceOf(IllegalArgumentException.class);
    }
}
