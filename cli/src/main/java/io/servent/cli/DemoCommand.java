package io.servent.cli;

import io.servent.node.ByteSize;
import io.servent.node.Daemon;
import io.servent.node.LogLevels;
import io.servent.node.NodeException;
import io.servent.node.PeerConnection;
import io.servent.node.PerfReport;
import io.servent.node.PingReport;
import io.servent.node.StartupException;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.Stream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code servent demo}: two real peers in this process, on 127.0.0.1, with throwaway data
 * directories. Narrates what happens between them, then cleans up.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Watch two local peers meet: identities, Noise + Yamux, identify, pings, payloads.",
            "Both run in this process on 127.0.0.1 with throwaway data directories."
        })
final class DemoCommand implements Callable<Integer> {
    /** A small protocol only the demo serves: echo what arrives, up to a bound. */
    static final String ECHO_PROTOCOL = "/servent/demo/echo/1.0.0";

    private static final int MAX_ECHO = 64 * 1024;

    @Mixin
    DataOption data = new DataOption();

    @Option(
            names = "--size",
            paramLabel = "SIZE",
            defaultValue = "64MiB",
            converter = SizeConverter.class,
            description = "Bytes to send each way in the throughput test (default ${DEFAULT-VALUE}).")
    long size;

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
        LogLevels.setRoot(logLevel);
        PrintWriter out = spec.commandLine().getOut();
        List<Path> dirs = new ArrayList<>();
        Daemon a = null;
        Daemon b = null;
        try {
            // The peers' directories go under --data when it is given, else in the system's temp directory.
            @Nullable Path parent = data.given();
            a = start("a", parent, dirs);
            b = start("b", parent, dirs);
            narrate(a, b, out);
            return ExitCodes.OK;
        } catch (StartupException | IOException e) {
            throw new CliException(ExitCodes.FAILED, "demo failed: " + e.getMessage(), e);
        } catch (NodeException e) {
            throw new CliException(ExitCodes.FAILED, "demo failed: " + e.getMessage(), e);
        } finally {
            long start = System.nanoTime();
            if (b != null) {
                b.close();
            }
            if (a != null) {
                a.close();
            }
            dirs.forEach(DemoCommand::deleteRecursively);
            out.printf(
                    "%nBoth peers shut down in %s and their data directories are deleted. Run 'servent start' to run a node.%n",
                    Durations.millis((System.nanoTime() - start) / 1e6));
            out.flush();
        }
    }

    private Daemon start(String name, @Nullable Path parent, List<Path> dirs) throws IOException, StartupException {
        Path dir = parent == null
                ? Files.createTempDirectory("servent-demo-" + name + "-")
                : Files.createTempDirectory(Files.createDirectories(parent), "servent-demo-" + name + "-");
        dirs.add(dir);
        // mDNS off: the narrative has B dial A itself (and must not meet other nodes on the LAN). On
        // loopback AutoNAT can only say "public", after dial-back connections that would clutter step 6.
        return Daemon.start(dir, c -> c.withListen(List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/0")))
                .withApiPort(0)
                .withLogLevel(logLevel)
                .withServices(c.services()
                        .withMdns(false)
                        .withForceReachability(io.servent.p2p.autonat.Reachability.PUBLIC)));
    }

    private void narrate(Daemon a, Daemon b, PrintWriter out) throws NodeException, IOException {
        PeerId idA = a.host().peerId();
        PeerId idB = b.host().peerId();
        a.host().setStreamHandler(ECHO_PROTOCOL, DemoCommand::echo);

        out.println("servent demo: two peers on this machine, speaking libp2p over TCP.");
        out.println();
        out.println("1. Identities (Ed25519 keys; the PeerId is derived from the public key)");
        out.println("   A  " + idA + "  at " + a.addresses().get(0).withoutPeerId());
        out.println("   B  " + idB + "  at " + b.addresses().get(0).withoutPeerId());
        out.flush();

        out.println();
        out.println("2. B dials A");
        long t0 = System.nanoTime();
        PeerConnection c = b.service().connect(a.addresses().get(0).toString());
        double connectMs = (System.nanoTime() - t0) / 1e6;
        out.println("   connected in " + Durations.millis(connectMs) + " (including identify)");
        out.println("   security " + c.security() + ": encrypted, and each side proved its PeerId");
        out.println("   muxer    " + c.muxer() + ": many streams over one connection");
        out.flush();

        out.println();
        out.println("3. Identify: what B learned about A");
        out.println("   agent      " + (c.agent() == null ? "(no answer yet)" : c.agent()));
        out.println("   protocols  " + String.join(", ", c.protocols()));
        out.flush();

        out.println();
        out.println("4. Ping (/ipfs/ping/1.0.0), B -> A");
        PingReport ping = b.service().ping(idA.toString(), 3);
        for (int i = 0; i < ping.rttsMs().size(); i++) {
            out.println("   ping " + (i + 1) + ": round trip "
                    + Durations.millis(ping.rttsMs().get(i)));
        }
        out.flush();

        out.println();
        out.println("5. Payload exchange");
        String message = "hello A, this is B at " + java.time.LocalTime.now().withNano(0);
        String echoed = echoThrough(b, idA, message);
        if (!echoed.equals(message)) {
            throw new IOException("the echo came back different: '" + echoed + "'");
        }
        out.println("   echo (" + ECHO_PROTOCOL + "): sent \"" + message + "\", got it back intact");
        out.flush();
        PerfReport perf = b.service().perf(idA.toString(), size, size);
        out.println("   perf (/perf/1.0.0): " + ByteSize.format(size) + " B -> A in "
                + Durations.seconds(perf.uploadSeconds()) + " (" + Durations.mbps(perf.uploadMBps()) + "), "
                + ByteSize.format(size) + " A -> B in " + Durations.seconds(perf.downloadSeconds()) + " ("
                + Durations.mbps(perf.downloadMBps()) + ")");
        out.println("   (every byte encrypted with ChaCha20-Poly1305 and multiplexed by Yamux)");

        out.println();
        out.println("6. What A sees");
        for (PeerConnection p : a.service().peers()) {
            out.println("   " + p.direction() + " connection from " + p.peerId() + " (" + p.agent() + ")");
        }
        out.flush();
    }

    private static String echoThrough(Daemon from, PeerId to, String message) throws IOException {
        try (Stream stream = from.host().newStream(to, ECHO_PROTOCOL)) {
            stream.setReadTimeout(Duration.ofSeconds(10));
            stream.setWriteTimeout(Duration.ofSeconds(10));
            stream.out().write(message.getBytes(StandardCharsets.UTF_8));
            stream.out().flush();
            stream.closeWrite();
            return new String(stream.in().readNBytes(MAX_ECHO), StandardCharsets.UTF_8);
        }
    }

    private static void echo(Stream stream) throws IOException {
        stream.setReadTimeout(Duration.ofSeconds(10));
        stream.setWriteTimeout(Duration.ofSeconds(10));
        byte[] bytes = stream.in().readNBytes(MAX_ECHO);
        stream.out().write(bytes);
        stream.out().flush();
        stream.closeWrite();
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // Temp directories; the OS cleans them eventually. Say so rather than fail the demo.
            System.err.println("servent: could not delete " + dir + ": " + e.getMessage());
        }
    }
}
