package io.servent.node;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Logback appender that keeps the last {@link #CAPACITY} warnings and errors for {@code GET
 * /api/v1/logs} and publishes each as a {@code log} event, so the web UI shows what went wrong
 * without a terminal. Attached to the root logger while the daemon runs; when several daemons share
 * a JVM (tests, the demo) each sees every daemon's warnings. Messages are formatted, never with a
 * stack trace (the terminal log has those).
 *
 * <p>Thread-safe: {@link #append} runs on whatever thread logged and never blocks on I/O.
 */
final class WarningLog extends AppenderBase<ILoggingEvent> {
    static final int CAPACITY = 200;
    private static final int MAX_MESSAGE_CHARS = 2_000;

    /** One warning as clients see it. */
    record Entry(String time, String level, String logger, String message) {}

    private final EventBus events;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Entry> ring = new ArrayDeque<>(CAPACITY);

    private WarningLog(EventBus events) {
        this.events = events;
        setName("servent-warnings");
    }

    /** A ring attached to Logback's root logger, or a detached one when Logback is not the backend. */
    static WarningLog attach(EventBus events) {
        WarningLog log = new WarningLog(events);
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context) {
            log.setContext(context);
            log.start();
            context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(log);
        }
        return log;
    }

    void detach() {
        if (getContext() instanceof LoggerContext context) {
            context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
        }
        stop();
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (!event.getLevel().isGreaterOrEqual(Level.WARN)) {
            return;
        }
        String message = String.valueOf(event.getFormattedMessage());
        if (message.length() > MAX_MESSAGE_CHARS) {
            message = message.substring(0, MAX_MESSAGE_CHARS) + "…";
        }
        String logger = event.getLoggerName();
        Entry entry = new Entry(
                Instant.ofEpochMilli(event.getTimeStamp()).toString(),
                event.getLevel().toString().toLowerCase(java.util.Locale.ROOT),
                logger.substring(logger.lastIndexOf('.') + 1),
                message);
        lock.lock();
        try {
            if (ring.size() == CAPACITY) {
                ring.removeFirst();
            }
            ring.addLast(entry);
        } finally {
            lock.unlock();
        }
        events.publish("log", entry);
    }

    /** The kept warnings, oldest first. */
    List<Entry> recent() {
        lock.lock();
        try {
            return new ArrayList<>(ring);
        } finally {
            lock.unlock();
        }
    }
}
