package io.mqpool.task.builtin;

import io.mqpool.task.Task;
import io.mqpool.task.TaskContext;
import java.math.BigDecimal;
import java.math.BigInteger;

/** {@code cube(n) = n**3}, exact for integers of any size as in Python. */
public final class Cube implements Task<Number, Number> {
    /** The largest magnitude whose cube fits a long. */
    private static final long LONG_SAFE = 2_097_151L;

    @Override
    public String name() {
        return "cube";
    }

    @Override
    public Class<Number> inputType() {
        return Number.class;
    }

    @Override
    public Number apply(Number n, TaskContext context) {
        return cube(n);
    }

    static Number cube(Number n) {
        if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte) {
            long v = n.longValue();
            return v >= -LONG_SAFE && v <= LONG_SAFE ? v * v * v : BigInteger.valueOf(v).pow(3);
        }
        if (n instanceof BigInteger big) {
            return big.pow(3);
        }
        if (n instanceof BigDecimal dec) {
            return dec.pow(3);
        }
        double d = n.doubleValue();
        return d * d * d;
    }
}
