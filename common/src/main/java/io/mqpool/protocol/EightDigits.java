package io.mqpool.protocol;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Eight ASCII digits at once, read as one little-endian long (the SWAR method of simdjson's
 * {@code parse_eight_digits_unrolled}): a 19-digit result value is two such words and three single digits, where
 * a loop of one digit at a time was a seventh of a producer's time on tiny tasks.
 */
final class EightDigits {
    private static final VarHandle WORD = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_NIBBLES = 0xF0F0F0F0F0F0F0F0L;

    private EightDigits() {
    }

    /** The eight bytes from {@code offset}, which must fit the array. */
    static long word(byte[] bytes, int offset) {
        return (long) WORD.get(bytes, offset);
    }

    /** Whether each of the word's eight bytes is an ASCII digit, {@code '0'} to {@code '9'}. */
    static boolean allDigits(long word) {
        // Each byte must be 0x3_, and stay 0x3_ when 6 is added (so its low nibble is at most 9). Adding 6 carries
        // into the next byte only from a byte of 0xFA or more, which fails the first test anyway.
        return ((word & HIGH_NIBBLES) | (((word + 0x0606060606060606L) & HIGH_NIBBLES) >>> 4)) == 0x3333333333333333L;
    }

    /** The value of eight digits, the first in the word's lowest byte; {@link #allDigits} must hold. */
    static long value(long word) {
        // Pairs, then fours, then all eight: each step multiplies the higher-order half by 10, 100 or 10,000 into
        // the lower-order half's byte position, and shifts the sum down.
        long v = word & 0x0F0F0F0F0F0F0F0FL;
        v = (v * (1 + (10L << 8))) >>> 8;
        v = ((v & 0x00FF00FF00FF00FFL) * (1 + (100L << 16))) >>> 16;
        return ((v & 0x0000FFFF0000FFFFL) * (1 + (10_000L << 32))) >>> 32;
    }
}
