package io.mqpool.clisupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqpool.amqp.BrokerUnavailableException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class ExitCodesTest {
    @Command(name = "tool")
    static final class Throwing implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        private final Function<CommandLine, Exception> toThrow;

        Throwing(Function<CommandLine, Exception> toThrow) {
            this.toThrow = toThrow;
        }

        @Override
        public Integer call() throws Exception {
            throw toThrow.apply(spec.commandLine());
        }
    }

    record Run(int exit, String err) {
    }

    private static Run run(Exception e, boolean debug) {
        return run(new ExitCodes("tool", debug), cl -> e);
    }

    private static Run run(ExitCodes codes, Function<CommandLine, Exception> e) {
        CommandLine cl = codes.install(new CommandLine(new Throwing(e)));
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        return new Run(cl.execute(), err.toString());
    }

    private static BrokerUnavailableException brokerDown() {
        for (BrokerUnavailableException.Reason reason : BrokerUnavailableException.Reason.values()) {
            BrokerUnavailableException e = new BrokerUnavailableException(reason, "cannot reach broker at amqp://u@h:1/",
                    null);
            if (e.retryable()) {
                return e;
            }
        }
        throw new IllegalStateException("no retryable reason");
    }

    @Test
    void aFailureIsOneLineAndExitOne() {
        Run r = run(new IllegalStateException("it broke\n  on two lines"), false);
        assertThat(r.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.err()).isEqualTo("tool: it broke on two lines\n");
    }

    @Test
    void anUnreachableBrokerIsExitThreeWithAHint() {
        Run r = run(brokerDown(), false);
        assertThat(r.exit()).isEqualTo(ExitCodes.BROKER);
        assertThat(r.err()).isEqualTo("tool: cannot reach broker at amqp://u@h:1/ (is RabbitMQ running? set --url or "
                + "MQPOOL_URL)\n");
    }

    @Test
    void aUsageErrorFromTheCommandIsExitTwo() {
        Run r = run(new ExitCodes("tool", false), cl -> new CommandLine.ParameterException(cl, "no items"));
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).isEqualTo("tool: no items\nTry 'tool --help' for more information.\n");
    }

    @Test
    void theStackTraceOnlyWithDebug() {
        assertThat(run(new IllegalStateException("x"), false).err()).doesNotContain("\tat ");
        assertThat(run(new IllegalStateException("x"), true).err()).startsWith("tool: x\n")
                .contains("java.lang.IllegalStateException: x").contains("\tat ");
        assertThat(run(ExitCodes.of("tool", Map.of("MQPOOL_DEBUG", "1")), cl -> new IllegalStateException("x")).err())
                .contains("\tat ");
        assertThat(run(ExitCodes.of("tool", Map.of("MQPOOL_DEBUG", "yes")), cl -> new IllegalStateException("x")).err())
                .doesNotContain("\tat ");
    }

    @Test
    void aMessagelessExceptionIsNamedByItsClass() {
        assertThat(run(new UnsupportedOperationException(), false).err()).isEqualTo("tool: UnsupportedOperationException\n");
    }
}
