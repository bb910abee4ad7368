package io.mqpool.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import co.elastic.logging.logback.EcsEncoder;
import io.mqpool.clisupport.CliLogging;

/**
 * The {@code mqpool} command line's logging, set up in code: logback's XML configuration costs a one-shot command
 * about 0.1 s of its start-up. Lines go to stderr, as {@code mqpool: LEVEL message} or, with {@code --log-format
 * json}, one ECS JSON object each; {@code io.mqpool} logs at {@code $MQPOOL_LOG_LEVEL} (default WARN), tasks
 * ({@code mqpool.task.*}) at INFO, the AMQP client not at all (mqpool reports its failures in one line), anything
 * else at ERROR.
 *
 * <p>Found by logback through {@code META-INF/services}, it acts only when {@code main} asked for it (system
 * property {@value #FORMAT_PROPERTY}) and no {@code logback.configurationFile} names another configuration;
 * otherwise (tests, a user's own file) logback configures itself as usual.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class CliLogConfigurator extends ContextAwareBase implements Configurator {
    /** The log format, {@code text} or {@code json}; set by {@code main}. */
    static final String FORMAT_PROPERTY = "mqpool.cli.log-format";
    private static final String LEVEL_VARIABLE = "MQPOOL_LOG_LEVEL";

    /** Has this JVM's logging set up by this class in {@code format}, unless the user named a configuration file. */
    static void use(CliLogging.Format format) {
        System.setProperty(FORMAT_PROPERTY, format.name());
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        String format = System.getProperty(FORMAT_PROPERTY);
        if (format == null || System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.NEUTRAL;
        }
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName("STDERR");
        appender.setTarget("System.err");
        appender.setEncoder(CliLogging.Format.json.name().equals(format) ? ecs(context) : text(context));
        appender.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.ERROR);
        root.addAppender(appender);
        String level = System.getProperty(LEVEL_VARIABLE, System.getenv(LEVEL_VARIABLE));
        context.getLogger("io.mqpool").setLevel(Level.toLevel(level, Level.WARN));
        // What tasks log (TaskContext.log), for the workers of --workers that run in this JVM, as mqpool-worker does.
        context.getLogger("mqpool.task").setLevel(Level.INFO);
        context.getLogger("com.rabbitmq").setLevel(Level.OFF);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static Encoder<ILoggingEvent> text(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("mqpool: %-5level %msg%n");
        encoder.start();
        return encoder;
    }

    private static Encoder<ILoggingEvent> ecs(LoggerContext context) {
        EcsEncoder encoder = new EcsEncoder();
        encoder.setContext(context);
        encoder.setServiceName("mqpool");
        encoder.start();
        return encoder;
    }
}
