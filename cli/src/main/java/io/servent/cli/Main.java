package io.servent.cli;

import io.servent.node.LogLevels;
import java.io.PrintWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** Entry point of {@code servent.jar}. */
public final class Main {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this in-process). */
    static int run(String... args) {
        // Client commands talk to a daemon; they should print results, not logs. start and demo
        // choose their own level.
        LogLevels.setRoot("warn");
        CommandLine cli = commandLine();
        return cli.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new ServentCommand());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (e instanceof CliException failure) {
                log.debug("command failed", e);
                err.println("servent: " + failure.getMessage());
                err.flush();
                return failure.exitCode();
            }
            err.println("servent: internal error: " + e);
            e.printStackTrace(err);
            err.flush();
            return ExitCodes.FAILED;
        });
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine command = e.getCommandLine();
            PrintWriter err = command.getErr();
            err.println("servent: " + e.getMessage());
            err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
            err.flush();
            return ExitCodes.USAGE;
        });
        return cli;
    }
}
