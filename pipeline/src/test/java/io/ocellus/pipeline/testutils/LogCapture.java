package io.ocellus.pipeline.testutils;

import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Everything Kafka's clients, Flink and Ocellus log at INFO and above while it is open, kept in
 * memory (and not printed): for tests that check what the logs say, or do not.
 */
public final class LogCapture implements AutoCloseable {
    private static final List<String> LOGGERS =
            List.of("org.apache.kafka", "org.apache.flink", "io.ocellus", "kafka");

    private final List<String> lines = new ArrayList<>();
    private final AbstractAppender appender;

    private LogCapture() {
        appender =
                new AbstractAppender("ocellus-capture", null, null, true, Property.EMPTY_ARRAY) {
                    @Override
                    public void append(LogEvent event) {
                        StringBuilder line =
                                new StringBuilder(event.getMessage().getFormattedMessage());
                        for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
                            line.append(" | ").append(t);
                        }
                        synchronized (lines) {
                            lines.add(line.toString());
                        }
                    }
                };
        appender.start();
        LoggerContext context = LoggerContext.getContext(false);
        Configuration config = context.getConfiguration();
        for (String name : LOGGERS) {
            LoggerConfig logger = new LoggerConfig(name, Level.INFO, false);
            logger.addAppender(appender, Level.INFO, null);
            config.addLogger(name, logger);
        }
        context.updateLoggers();
    }

    public static LogCapture start() {
        return new LogCapture();
    }

    /** The lines so far, one string. */
    public String text() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    /** How many lines so far. */
    public int size() {
        synchronized (lines) {
            return lines.size();
        }
    }

    @Override
    public void close() {
        LoggerContext context = LoggerContext.getContext(false);
        Configuration config = context.getConfiguration();
        LOGGERS.forEach(config::removeLogger);
        context.updateLoggers();
        appender.stop();
    }
}
