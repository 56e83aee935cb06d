package io.servent.cli;

/**
 * A command failed in a way the user should read about: printed as {@code servent: <message>}
 * without a stack trace, and the process exits with {@link #exitCode()}.
 */
class CliException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
