package io.servent.cli;

/** The exit codes {@code servent --help} documents. */
final class ExitCodes {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int NO_DAEMON = 3;

    private ExitCodes() {}
}
