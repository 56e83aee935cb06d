package io.servent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.servent.node.ByteSize;
import io.servent.node.LogLevels;
import io.servent.node.StartupException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code servent demo}: a small network of real peers in this process on 127.0.0.1 with throwaway
 * data directories and generated sample files, a narrated tour of it through the peers' own HTTP
 * API ({@link DemoTour}), then the web UI links until Ctrl-C; cleans up after itself.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Start a small servent network on this machine and take a narrated tour:",
            "discovery, a relay, search, a multi-source download, ping and perf.",
            "Then open any peer's web UI; Ctrl-C stops everything and deletes its data."
        })
final class DemoCommand implements Callable<Integer> {
    static final int MIN_PEERS = 3;
    static final int MAX_PEERS = 16;

    @Mixin
    DataOption data = new DataOption();

    @Option(
            names = "--peers",
            paramLabel = "N",
            defaultValue = "5",
            description = "How many peers to start (" + MIN_PEERS + "-" + MAX_PEERS + ", default ${DEFAULT-VALUE}).")
    int peers = 5;

    @Option(
            names = "--size",
            paramLabel = "SIZE",
            defaultValue = "32MiB",
            converter = SizeConverter.class,
            description = "Size of the shared large file, and of the perf run each way (default ${DEFAULT-VALUE}).")
    long size;

    @Option(
            names = {"--exit", "--no-wait"},
            description = "End right after the tour instead of waiting for Ctrl-C (for tests and scripts).")
    boolean exit;

    @Option(
            names = "--keep",
            description = "Keep the peers' data directories and sample files instead of deleting them.")
    boolean keep;

    @Option(
            names = "--log-level",
            paramLabel = "LEVEL",
            defaultValue = "warn",
            description = "Log level (default warn).")
    String logLevel = "warn";

    @Spec
    @SuppressWarnings("NullAway.Init")
    CommandSpec spec;

    @Override
    public Integer call() throws CliException {
        if (peers < MIN_PEERS || peers > MAX_PEERS) {
            throw new CliException(
                    ExitCodes.USAGE, "--peers must be between " + MIN_PEERS + " and " + MAX_PEERS + ", not " + peers);
        }
        if (size < 1024 * 1024 || size > (1L << 30)) {
            throw new CliException(ExitCodes.USAGE, "--size must be between 1 MiB and 1 GiB");
        }
        LogLevels.setRoot(logLevel);
        PrintWriter out = spec.commandLine().getOut();
        DemoNarrator narrator = new DemoNarrator(out, System.console() != null);
        out.println("servent demo: " + peers + " peers on this machine, speaking libp2p over TCP.");
        out.println("Starting them, each with its own data directory and sample files…");
        out.flush();
        // The peers' directories go under --data when it is given, else in the system's temp directory.
        @Nullable Path parent = data.given();
        // Public peers other than the downloader (the last public one) hold the large file.
        int sources = Math.min(3, peers - 2);
        DemoNetwork network;
        long started = System.nanoTime();
        try {
            network = DemoNetwork.start(parent, peers, sources, size, logLevel);
        } catch (StartupException | IOException e) {
            throw new CliException(ExitCodes.FAILED, "demo failed: " + e.getMessage(), e);
        }
        out.println(
                "All " + peers + " peers are up after " + Durations.millis((System.nanoTime() - started) / 1e6) + ".");
        out.flush();
        try {
            new DemoTour(network, narrator, sources, size).run();
            if (!exit) {
                waitForCtrlC(out);
            }
            return ExitCodes.OK;
        } finally {
            long start = System.nanoTime();
            network.close(keep);
            String stopped = Durations.millis((System.nanoTime() - start) / 1e6);
            out.println();
            if (keep) {
                out.println("All peers shut down in " + stopped + "; their data is kept in:");
                network.directories().forEach(d -> out.println("   " + d));
            } else {
                out.println("All peers shut down in " + stopped + " and their data directories are deleted.");
            }
            out.println("Run 'servent start' to run a node of your own.");
            out.flush();
        }
    }

    private static void waitForCtrlC(PrintWriter out) {
        CountDownLatch stop = new CountDownLatch(1);
        if (!Signals.onStop(stop::countDown)) {
            out.println("(this JVM does not let servent handle Ctrl-C; the demo ends now)");
            return;
        }
        out.println();
        out.println("The network keeps running. Press Ctrl-C to stop it and delete its data.");
        out.flush();
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code sources} of a download answer: a count, or a list of peers. */
    static int count(@Nullable JsonNode node) {
        if (node == null || node.isNull()) {
            return 0;
        }
        return node.isArray() || node.isObject() ? node.size() : node.asInt();
    }

    static String size(long bytes) {
        return ByteSize.format(bytes);
    }
}
