package io.mqpool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqpool.protocol.Codec;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ResultWriterTest {
    private final Codec codec = Codec.defaults();

    @Test
    void writesEachFormat() {
        StringWriter json = new StringWriter();
        try (ResultWriter w = new ResultWriter(new PrintWriter(json), ResultWriter.Format.json, false)) {
            w.write(codec.mapper().valueToTree(8));
            w.write(null);
            w.write(codec.mapper().valueToTree("s"));
            w.finish();
        }
        assertThat(json.toString()).isEqualTo("[8,null,\"s\"]" + System.lineSeparator());
        StringWriter text = new StringWriter();
        try (ResultWriter w = new ResultWriter(new PrintWriter(text), ResultWriter.Format.text, true)) {
            w.write(codec.mapper().valueToTree("Hello,Mahima"));
            w.finish();
        }
        assertThat(text.toString()).isEqualTo("Hello,Mahima" + System.lineSeparator());
        StringWriter empty = new StringWriter();
        try (ResultWriter w = new ResultWriter(new PrintWriter(empty), ResultWriter.Format.json, false)) {
            w.finish();
        }
        assertThat(empty.toString()).isEqualTo("[]" + System.lineSeparator());
    }

    @Test
    void aJobThatFailsBeforeTheEndPrintsNoArray() {
        StringWriter out = new StringWriter();
        try (ResultWriter w = new ResultWriter(new PrintWriter(out), ResultWriter.Format.json, false)) {
            w.write(codec.mapper().valueToTree(1));
            w.write(codec.mapper().valueToTree(8));
        }
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aLongArrayStreamsAndAFailureLeavesItOpen() {
        StringWriter out = new StringWriter();
        String big = "x".repeat(ResultWriter.HOLD_BACK_CHARS);
        try (ResultWriter w = new ResultWriter(new PrintWriter(out), ResultWriter.Format.json, false)) {
            w.write(codec.mapper().valueToTree(big));
            w.write(codec.mapper().valueToTree(2));
        }
        assertThat(out.toString()).startsWith("[\"xxx").endsWith("\",2");
    }
}
