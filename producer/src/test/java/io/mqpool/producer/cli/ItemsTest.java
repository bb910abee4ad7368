package io.mqpool.producer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.mqpool.protocol.Codec;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class ItemsTest {
    private final Items map = new Items(Codec.defaults(), false);

    private static List<String> all(Iterator<JsonNode> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(n -> out.add(n.toString()));
        return out;
    }

    @Test
    void argumentsAreJsonOrElseStrings() {
        assertThat(all(map.fromArgs(List.of("1", "abc", "\"q\"", "[1,2]", "true", "3000000000000000000000", "1 2"))))
                .containsExactly("[1]", "[\"abc\"]", "[\"q\"]", "[[1,2]]", "[true]", "[3000000000000000000000]", "[\"1 2\"]");
    }

    @Test
    void linesSkipBlanksAndReadLazily() {
        BufferedReader reader = new BufferedReader(new StringReader("1\n\n  \n{\"a\":1}\nx\n"));
        assertThat(all(map.fromLines(reader))).containsExactly("[1]", "[{\"a\":1}]", "[\"x\"]");
    }

    @Test
    void starmapItemsMustBeArrays() {
        Items star = new Items(Codec.defaults(), true);
        assertThat(all(star.fromArgs(List.of("[2,3]")))).containsExactly("[2,3]");
        Iterator<JsonNode> bad = star.fromArgs(List.of("5"));
        assertThatThrownBy(bad::next).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("item 0");
    }

    @Test
    void writerFormats() {
        Codec codec = Codec.defaults();
        StringWriter json = new StringWriter();
        try (ResultWriter w = new ResultWriter(new PrintWriter(json), ResultWriter.Format.json, false)) {
            w.write(codec.mapper().valueToTree(8));
            w.write(null);
            w.write(codec.mapper().valueToTree("s"));
        }
        assertThat(json.toString()).isEqualTo("[8,null,\"s\"]" + System.lineSeparator());
        StringWriter text = new StringWriter();
        try (ResultWriter w = new ResultWriter(new PrintWriter(text), ResultWriter.Format.text, true)) {
            w.write(codec.mapper().valueToTree("Hello,Mahima"));
        }
        assertThat(text.toString()).isEqualTo("Hello,Mahima" + System.lineSeparator());
        StringWriter empty = new StringWriter();
        new ResultWriter(new PrintWriter(empty), ResultWriter.Format.json, false).close();
        assertThat(empty.toString()).isEqualTo("[]" + System.lineSeparator());
    }
}
