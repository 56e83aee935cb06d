package io.servent.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT (Ctrl-C) handling for the foreground daemon. Replacing the JVM's default
 * handlers (which run shutdown hooks and exit with 143 or 130) lets a requested stop end with
 * exit code 0 once the daemon has closed cleanly.
 */
final class Signals {
    private static final Logger log = LoggerFactory.getLogger(Signals.class);

    private Signals() {}

    /** Calls {@code onStop} (on the JVM's signal thread) for SIGTERM and SIGINT; false if unsupported. */
    static boolean onStop(Runnable onStop) {
        try {
            for (String name : new String[] {"TERM", "INT"}) {
                Signal.handle(new Signal(name), signal -> {
                    log.info("received SIG{}, stopping", signal.getName());
                    onStop.run();
                });
            }
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // No such signals here (or the JVM reserves them): shutdown hooks still run on exit.
            log.debug("cannot install signal handlers: {}", e.toString());
            return false;
        }
    }
}
