package io.servent.cli;

import io.servent.node.RuntimeInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;

/** {@code servent stop}. */
@Command(
        name = "stop",
        mixinStandardHelpOptions = true,
        description = "Stop the running daemon and wait until it has exited.")
final class StopCommand extends ClientCommand {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Override
    int run(ApiClient client, PrintWriter out) throws CliException {
        RuntimeInfo runtime = client.runtime();
        ApiClient.Response response = client.post("shutdown", Map.of(), Duration.ofSeconds(10));
        Optional<ProcessHandle> process = ProcessHandle.of(runtime.pid());
        try {
            if (process.isPresent()) {
                CompletableFuture<ProcessHandle> exit = process.get().onExit();
                exit.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                awaitRuntimeFileGone();
            }
        } catch (TimeoutException e) {
            throw new CliException(
                    ExitCodes.FAILED,
                    "the daemon (pid " + runtime.pid() + ") was asked to stop but is still running after "
                            + WAIT.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FAILED, "interrupted while waiting for the daemon to stop");
        }
        if (!printedJson(response, out)) {
            out.println(
                    "stopped the servent daemon for " + data.directory().display() + " (pid " + runtime.pid() + ")");
        }
        return ExitCodes.OK;
    }

    /** For a daemon we cannot watch as a process (another PID namespace): wait for its runtime file to go. */
    private void awaitRuntimeFileGone() throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                if (data.directory().readRuntimeInfo().isEmpty()) {
                    return;
                }
            } catch (IOException e) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException();
            }
            Thread.sleep(100);
        }
    }
}
