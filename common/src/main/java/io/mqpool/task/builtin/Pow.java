package io.mqpool.task.builtin;

import io.mqpool.task.Task;
import io.mqpool.task.TaskContext;
import java.math.BigInteger;

/** {@code pow(base, exp)}: exact integer power, for {@code starmap} as in Python's examples. */
public final class Pow implements Task<Pow.Args, BigInteger> {
    /** Exponents above this are refused, so one call cannot build a gigantic number. */
    private static final int MAX_EXPONENT = 10_000;

    /** The two positional arguments. */
    public record Args(BigInteger base, int exp) {
        public Args {
            if (exp < 0 || exp > MAX_EXPONENT) {
                throw new IllegalArgumentException("exp must be 0.." + MAX_EXPONENT + ", got " + exp);
            }
        }
    }

    @Override
    public String name() {
        return "pow";
    }

    @Override
    public Class<Args> inputType() {
        return Args.class;
    }

    @Override
    public BigInteger apply(Args args, TaskContext context) {
        return args.base().pow(args.exp());
    }
}
