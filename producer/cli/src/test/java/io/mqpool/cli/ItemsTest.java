package io.mqpool.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.mqpool.protocol.Codec;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class ItemsTest {
    private final Codec codec = Codec.defaults();
    private final Items map = new Items(codec, false);

    private static List<String> all(Iterator<JsonNode> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(n -> out.add(n.toString()));
        return out;
    }

    private Iterator<JsonNode> lines(String text, InputLines.Format format) {
        InputStream in = new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
        return map.calls(InputLines.of(in, format, codec.mapper()));
    }

    /** Hands out one line per read, as a pipe fed line by line does, and records how many lines it handed out. */
    static final class LineByLine extends InputStream {
        private final List<byte[]> lines = new ArrayList<>();
        private int line;
        private int pos;
        int linesRead;

        LineByLine(int count) {
            for (int k = 1; k <= count; k++) {
                lines.add((k + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0];
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (line == lines.size()) {
                return -1;
            }
            byte[] current = lines.get(line);
            if (pos == 0) {
                linesRead = line + 1;
            }
            int n = Math.min(len, current.length - pos);
            System.arraycopy(current, pos, b, off, n);
            pos += n;
            if (pos == current.length) {
                line++;
                pos = 0;
            }
            return n;
        }
    }

    @Test
    void argumentsAreJsonOrElseStrings() {
        assertThat(all(map.fromArgs(List.of("1", "abc", "\"q\"", "[1,2]", "true", "3000000000000000000000", "1 2"))))
                .containsExactly("[1]", "[\"abc\"]", "[\"q\"]", "[[1,2]]", "[true]", "[3000000000000000000000]", "[\"1 2\"]");
    }

    @Test
    void jsonLinesSkipBlankLines() {
        assertThat(all(lines("1\n\n  \n{\"a\":1}\n\"x\"\n", InputLines.Format.json)))
                .containsExactly("[1]", "[{\"a\":1}]", "[\"x\"]");
    }

    @Test
    void jsonLinesAreReadLazily() {
        LineByLine in = new LineByLine(1_000);
        Iterator<JsonNode> items = map.calls(InputLines.of(in, InputLines.Format.json, codec.mapper()));
        for (int k = 1; k <= 5; k++) {
            assertThat(items.next().toString()).isEqualTo("[" + k + "]");
            assertThat(in.linesRead).as("lines read for item %d", k).isLessThan(k + 2);
        }
    }

    @Test
    void anInputLongerThanTheMessageLimitIsReadToItsEnd() {
        // 2,000,000 lines, about 14.9 MB: the limits hold for each line, not for the input as a whole.
        LineByLine in = new LineByLine(2_000_000);
        Iterator<JsonNode> items = map.calls(InputLines.of(in, InputLines.Format.json, codec.mapper()));
        long count = 0;
        JsonNode last = null;
        while (items.hasNext()) {
            last = items.next();
            count++;
        }
        assertThat(count).isEqualTo(2_000_000);
        assertThat(last.toString()).isEqualTo("[2000000]");
    }

    @Test
    void aLineOverTheLimitsIsStillRefused() {
        String deep = "[".repeat(Codec.MAX_NESTING_DEPTH + 1) + "]".repeat(Codec.MAX_NESTING_DEPTH + 1);
        assertThatThrownBy(() -> all(lines("1\n" + deep + "\n", InputLines.Format.json)))
                .isInstanceOf(InputException.class).hasMessageContaining("is not valid JSON: Document nesting depth (201)");
    }

    @Test
    void textLinesAreReadLazily() {
        LineByLine in = new LineByLine(1_000);
        Iterator<JsonNode> items = map.calls(InputLines.of(in, InputLines.Format.text, codec.mapper()));
        for (int k = 1; k <= 5; k++) {
            assertThat(items.next().toString()).isEqualTo("[\"" + k + "\"]");
            assertThat(in.linesRead).as("lines read for item %d", k).isLessThan(k + 2);
        }
    }

    @Test
    void aLineThatIsNotJsonIsAnErrorNamingItsLine() {
        Iterator<JsonNode> items = lines("1\n2\n{not json\n4\n", InputLines.Format.json);
        assertThat(items.next().toString()).isEqualTo("[1]");
        assertThat(items.next().toString()).isEqualTo("[2]");
        assertThatThrownBy(() -> {
            items.hasNext();
            items.next();
        }).isInstanceOf(InputException.class).hasMessageStartingWith("--input line 3 is not valid JSON: ");
    }

    @Test
    void aBareWordIsNotJson() {
        Iterator<JsonNode> items = lines("1\nabc\n", InputLines.Format.json);
        items.next();
        assertThatThrownBy(() -> {
            items.hasNext();
            items.next();
        }).isInstanceOf(InputException.class).hasMessageStartingWith("--input line 2 is not valid JSON");
    }

    @Test
    void twoValuesOnALineOrOneAcrossLinesAreNotJsonLines() {
        Iterator<JsonNode> two = lines("1\n2 3\n", InputLines.Format.json);
        two.next();
        two.next();
        assertThatThrownBy(two::hasNext).isInstanceOf(InputException.class)
                .hasMessage("--input line 2 is not valid JSON: more than one value");
        Iterator<JsonNode> across = lines("[1,\n2]\n", InputLines.Format.json);
        assertThatThrownBy(across::next).isInstanceOf(InputException.class)
                .hasMessageStartingWith("--input line 1 is not valid JSON");
    }

    @Test
    void textFormatTakesEachLineAsAStringAsIs() {
        assertThat(all(lines("a b\n\n\"q\"\n{not json\n", InputLines.Format.text)))
                .containsExactly("[\"a b\"]", "[\"\\\"q\\\"\"]", "[\"{not json\"]");
    }

    @Test
    void starmapItemsMustBeArrays() {
        Items star = new Items(codec, true);
        assertThat(all(star.fromArgs(List.of("[2,3]")))).containsExactly("[2,3]");
        Iterator<JsonNode> bad = star.fromArgs(List.of("5"));
        assertThatThrownBy(bad::next).isInstanceOf(InputException.class).hasMessageContaining("item 0");
    }
}
