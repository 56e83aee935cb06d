package io.servent.node;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sets the root log level at run time ({@code --log-level}, {@code [log].level}). Thread-safe. */
public final class LogLevels {
    private LogLevels() {}

    /** Sets the root level; a no-op when logback is not the SLF4J backend (e.g. an embedding app). */
    public static void setRoot(String level) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context) {
            context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(level, Level.INFO));
        }
    }
}
