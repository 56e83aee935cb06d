package io.servent.node;

/**
 * The daemon cannot start for a reason the user can fix (bad configuration, a port in use, another
 * daemon on the same data directory). The message is meant to be printed as is, without a stack
 * trace.
 */
public final class StartupException extends Exception {
    private static final long serialVersionUID = 1L;

    public StartupException(String message) {
        super(message);
    }

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
