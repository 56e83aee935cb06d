package io.servent.cli;

import io.servent.node.Daemon;
import io.servent.node.DataDirectory;
import io.servent.node.LogLevels;
import io.servent.node.NodeConfig;
import io.servent.node.ServentVersion;
import io.servent.node.StartupException;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.MultiformatException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code servent start}: runs the daemon in the foreground. */
@Command(
        name = "start",
        mixinStandardHelpOptions = true,
        description = {
            "Run the daemon in the foreground until Ctrl-C, SIGTERM or 'servent stop'.",
            "Settings come from DIR/servent.toml (written, fully commented, on first run); flags override it."
        })
final class StartCommand implements Callable<Integer> {
    /** How long a requested stop may take before the process gives up waiting and exits anyway. */
    private static final Duration STOP_BOUND = Duration.ofSeconds(20);

    private static final Logger log = LoggerFactory.getLogger(StartCommand.class);

    @Mixin
    DataOption data = new DataOption();

    @Option(
            names = "--listen",
            paramLabel = "MULTIADDR",
            arity = "1..*",
            description = "Listen on these multiaddrs instead of [network].listen, e.g. /ip4/0.0.0.0/tcp/4001.")
    @Nullable
    List<String> listen;

    @Option(
            names = "--api-port",
            paramLabel = "N",
            description = "Control API port on 127.0.0.1 instead of [api].listen's (0 picks a free one).")
    @Nullable
    Integer apiPort;

    @Option(
            names = "--bootstrap",
            paramLabel = "MULTIADDR",
            arity = "1..*",
            description =
                    "Bootstrap from these peers instead of [network].bootstrap, e.g. /ip4/192.0.2.7/tcp/4001/p2p/12D3KooW…")
    @Nullable
    List<String> bootstrap;

    @Option(
            names = "--mdns",
            negatable = true,
            description = "Find peers on the local network with mDNS, or not (--no-mdns); default: [mdns].enabled.")
    @Nullable
    Boolean mdns;

    @Option(
            names = "--log-level",
            paramLabel = "LEVEL",
            description = "error, warn, info, debug or trace (default: [log].level, which defaults to info).")
    @Nullable
    String logLevel;

    @Spec
    @SuppressWarnings("NullAway.Init")
    CommandSpec spec;

    @Override
    public Integer call() throws CliException {
        List<Multiaddr> addresses = parse("--listen", listen);
        List<Multiaddr> bootstrapPeers = parse("--bootstrap", bootstrap);
        if (apiPort != null && (apiPort < 0 || apiPort > 65535)) {
            throw new ParameterException(spec.commandLine(), "--api-port must be 0-65535, not " + apiPort);
        }
        String level = logLevel == null ? null : logLevel.toLowerCase(Locale.ROOT);
        if (level != null && !NodeConfig.LOG_LEVELS.contains(level)) {
            throw new ParameterException(
                    spec.commandLine(), "--log-level must be error, warn, info, debug or trace; not " + logLevel);
        }
        LogLevels.setRoot(level == null ? "info" : level);
        DataDirectory dir = data.directory();
        Daemon daemon;
        try {
            daemon = Daemon.start(dir.root(), config -> {
                NodeConfig c = config;
                if (addresses != null) {
                    c = c.withListen(addresses);
                }
                if (apiPort != null) {
                    c = c.withApiPort(apiPort);
                }
                if (level != null) {
                    c = c.withLogLevel(level);
                }
                if (bootstrapPeers != null) {
                    c = c.withServices(c.services().withBootstrap(bootstrapPeers));
                }
                if (mdns != null) {
                    c = c.withServices(c.services().withMdns(mdns));
                }
                LogLevels.setRoot(c.logLevel());
                return c;
            });
        } catch (StartupException e) {
            throw new CliException(ExitCodes.FAILED, String.valueOf(e.getMessage()), e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "daemon-shutdown-hook"));
        Signals.onStop(daemon::requestShutdown);
        printBanner(daemon, dir, spec.commandLine().getOut());
        try {
            daemon.awaitClosed(Duration.ofDays(365 * 100));
            return ExitCodes.OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            daemon.close();
            return ExitCodes.FAILED;
        } finally {
            watchdog();
        }
    }

    private @Nullable List<Multiaddr> parse(String option, @Nullable List<String> texts) {
        if (texts == null) {
            return null;
        }
        List<Multiaddr> out = new ArrayList<>();
        for (String text : texts) {
            try {
                out.add(Multiaddr.parse(text));
            } catch (MultiformatException e) {
                throw new ParameterException(spec.commandLine(), option + " " + text + ": " + e.getMessage());
            }
        }
        return out;
    }

    /** After close, only exiting is left; if something holds the JVM, do not hang forever. */
    private static void watchdog() {
        Thread t = new Thread(
                () -> {
                    try {
                        Thread.sleep(STOP_BOUND.toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                    log.warn("the process did not exit within {} s of stopping; halting", STOP_BOUND.toSeconds());
                    Runtime.getRuntime().halt(ExitCodes.FAILED);
                },
                "exit-watchdog");
        t.setDaemon(true);
        t.start();
    }

    private static void printBanner(Daemon daemon, DataDirectory dir, PrintWriter out) {
        out.println("servent " + ServentVersion.version() + " is running");
        out.println("  PeerId       " + daemon.host().peerId());
        List<Multiaddr> addresses = daemon.addresses();
        if (addresses.isEmpty()) {
            out.println("  listening    (nowhere: [network].listen is empty)");
        }
        for (int i = 0; i < addresses.size(); i++) {
            out.println((i == 0 ? "  listening    " : "               ") + addresses.get(i));
        }
        out.println("  control API  " + daemon.apiUrl() + " (token in " + dir.display() + "/api.token)");
        out.println("  web UI       " + daemon.loginUrl() + " (one-time login link; 'servent open' makes another)");
        out.println("  data         " + dir.display());
        out.println("Stop with Ctrl-C or 'servent stop"
                + (dir.root()
                                .equals(DataDirectory.at(DataDirectory.defaultRoot())
                                        .root())
                        ? ""
                        : " --data " + dir.display())
                + "'.");
        out.flush();
    }
}
