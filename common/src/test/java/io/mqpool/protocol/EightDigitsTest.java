package io.mqpool.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Eight digits at once agree with a digit-by-digit reading, and any other byte is seen. */
class EightDigitsTest {
    private static long word(String eight) {
        return EightDigits.word(eight.getBytes(StandardCharsets.ISO_8859_1), 0);
    }

    @Test
    void readsEightDigitsAsTheirValue() {
        Random random = new Random(7);
        for (int k = 0; k < 100_000; k++) {
            long n = random.nextInt(100_000_000);
            String digits = String.format("%08d", n);
            assertThat(EightDigits.allDigits(word(digits))).as(digits).isTrue();
            assertThat(EightDigits.value(word(digits))).as(digits).isEqualTo(n);
        }
        assertThat(EightDigits.value(word("00000000"))).isZero();
        assertThat(EightDigits.value(word("99999999"))).isEqualTo(99_999_999);
        assertThat(EightDigits.value(word("10000000"))).isEqualTo(10_000_000);
        assertThat(EightDigits.value(word("00000001"))).isEqualTo(1);
    }

    @Test
    void anyOtherByteInAnyPlaceIsSeen() {
        byte[] bytes = "12345678".getBytes(StandardCharsets.ISO_8859_1);
        for (int place = 0; place < 8; place++) {
            for (int b = 0; b < 256; b++) {
                byte[] copy = bytes.clone();
                copy[place] = (byte) b;
                boolean digit = b >= '0' && b <= '9';
                assertThat(EightDigits.allDigits(EightDigits.word(copy, 0))).as("byte %d at %d", b, place)
                        .isEqualTo(digit);
            }
        }
        // Bytes that would carry when 6 is added, next to each other and next to digits.
        for (String s : new String[] {"\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff", "\u00fa9999999",
                "9\u00fa/99999", "////////", "::::::::", "1234567 "}) {
            assertThat(EightDigits.allDigits(word(s))).as(s).isFalse();
        }
    }

    @Test
    void readsAtAnyOffset() {
        byte[] bytes = "[x1234567890123456]".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(EightDigits.value(EightDigits.word(bytes, 2))).isEqualTo(12_345_678);
        assertThat(EightDigits.value(EightDigits.word(bytes, 10))).isEqualTo(90_123_456);
    }
}
