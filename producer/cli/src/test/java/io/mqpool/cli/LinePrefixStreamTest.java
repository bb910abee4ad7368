package io.mqpool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LinePrefixStreamTest {
    private final StringWriter text = new StringWriter();
    private final PrintWriter err = new PrintWriter(text);

    @Test
    void passesOnWholeLinesPrefixedAndDecodesUtf8AcrossWrites() {
        PrintStream out = new PrintStream(new LinePrefixStream(err, "[worker] "), true, StandardCharsets.UTF_8);
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        out.print("Process 1");
        assertThat(text.toString()).as("nothing before the line ends").isEmpty();
        out.write(euro, 0, 1);
        out.write(euro, 1, 2);
        out.println();
        out.print("b\r\n");

        assertThat(text.toString()).isEqualTo("[worker] Process 1€" + System.lineSeparator() + "[worker] b"
                + System.lineSeparator());
    }

    @Test
    void closePassesOnALastLineWithoutItsNewline() {
        PrintStream out = new PrintStream(new LinePrefixStream(err, "> "), true, StandardCharsets.UTF_8);
        out.print("tail");
        out.close();

        assertThat(text.toString()).isEqualTo("> tail" + System.lineSeparator());
    }
}
