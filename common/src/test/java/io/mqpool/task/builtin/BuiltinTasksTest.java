package io.mqpool.task.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import io.mqpool.task.TaskContext;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class BuiltinTasksTest {
    @Test
    void cubeIsExactLikePython() {
        assertThat(Cube.cube(3)).isEqualTo(27L);
        assertThat(Cube.cube(-2_097_151L)).isEqualTo(-2_097_151L * 2_097_151L * 2_097_151L);
        assertThat(Cube.cube(2_097_152L)).isEqualTo(BigInteger.valueOf(2_097_152L).pow(3));
        assertThat(Cube.cube(3_000_000)).isEqualTo(new BigInteger("27000000000000000000"));
        assertThat(Cube.cube(Long.MIN_VALUE)).isEqualTo(BigInteger.valueOf(Long.MIN_VALUE).pow(3));
        assertThat(Cube.cube(new BigInteger("99999999999999999999"))).isEqualTo(new BigInteger("99999999999999999999").pow(3));
        assertThat(Cube.cube(2.5)).isEqualTo(15.625);
        assertThat(Cube.cube(new BigDecimal("0.1"))).isEqualTo(new BigDecimal("0.001"));
    }

    @Test
    void printNumberPrintsAndReturnsTheLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TaskContext ctx = new TaskContext("j", 0, 1, "w", LoggerFactory.getLogger("t"),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(new PrintNumber().apply(3L, ctx)).isEqualTo("Process 3: 3");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("Process 3: 3" + System.lineSeparator());
        assertThat(new Greet().apply("Mahima", ctx)).isEqualTo("Hello,Mahima");
    }

    /** Values computed apart from this code (a Python port of the xorshift), so a change to burn fails here. */
    @Test
    void burnIsDeterministic() {
        assertThat(Burn.burn(0)).as("no rounds: the seed itself").isEqualTo(0x9E3779B97F4A7C15L);
        assertThat(Burn.burn(1)).isEqualTo(-4017984905150660392L);
        assertThat(Burn.burn(3)).isEqualTo(-6462901991771164863L);
    }
}
