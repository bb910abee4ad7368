package io.mqpool.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqpool.protocol.TraceParent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class ItemMdcTest {
    private static final TraceParent TRACE = new TraceParent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

    @AfterEach
    void clear() {
        MDC.clear();
    }

    @Test
    void setsTheItemsContextAndClearsItAfter() {
        try (ItemMdc ignored = ItemMdc.enter("w", "job-1", 7, "cube", TRACE)) {
            assertThat(MDC.get(ItemMdc.WORKER)).isEqualTo("w");
            assertThat(MDC.get(ItemMdc.JOB)).isEqualTo("job-1");
            assertThat(MDC.get(ItemMdc.ITEM)).isEqualTo("7");
            assertThat(MDC.get(ItemMdc.TASK)).isEqualTo("cube");
            assertThat(MDC.get(ItemMdc.TRACE)).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        }
        assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
    }

    @Test
    void anItemWithoutTraceDoesNotInheritTheLastOnesAndTheOuterContextComesBack() {
        MDC.put("outer", "kept");
        MDC.put(ItemMdc.TRACE, "outer-trace");
        try (ItemMdc ignored = ItemMdc.enter("w", "job-2", 0, "greet", null)) {
            assertThat(MDC.get(ItemMdc.TRACE)).isNull();
            assertThat(MDC.get("outer")).isEqualTo("kept");
        }
        assertThat(MDC.get(ItemMdc.TRACE)).isEqualTo("outer-trace");
        assertThat(MDC.get(ItemMdc.JOB)).isNull();
    }

    @Test
    void aMessagesItemsShareTheContextAndChangeOnlyTheIndex() {
        MDC.put(ItemMdc.ITEM, "outer");
        try (ItemMdc mdc = ItemMdc.enter("w", "job-3", "cube", TRACE)) {
            assertThat(MDC.get(ItemMdc.ITEM)).as("no item yet").isNull();
            mdc.item(4);
            assertThat(MDC.get(ItemMdc.ITEM)).isEqualTo("4");
            mdc.item(5);
            assertThat(MDC.get(ItemMdc.ITEM)).isEqualTo("5");
            assertThat(MDC.get(ItemMdc.JOB)).isEqualTo("job-3");
            assertThat(MDC.get(ItemMdc.TASK)).isEqualTo("cube");
        }
        assertThat(MDC.get(ItemMdc.ITEM)).isEqualTo("outer");
        assertThat(MDC.get(ItemMdc.JOB)).isNull();
    }
}
