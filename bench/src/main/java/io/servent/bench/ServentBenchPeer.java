package io.servent.bench;

import io.servent.p2p.api.Connection;
import io.servent.p2p.api.Ed25519PrivateKey;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.Stream;
import io.servent.p2p.host.BasicHost;
import io.servent.p2p.host.HostConfig;
import io.servent.p2p.host.HostLimits;
import io.servent.p2p.identify.IdentifyService;
import io.servent.p2p.noise.NoiseSecurity;
import io.servent.p2p.perf.PerfResult;
import io.servent.p2p.perf.PerfService;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A servent host (TCP + Noise + Yamux, with identify) in its own process, driven by one-line commands
 * on stdin and answering each with one JSON line on stdout, so that {@link BenchRunner} can sample the
 * process's CPU time around exactly one measurement.
 *
 * <ul>
 *   <li>{@code server}: listens on 127.0.0.1, serves {@code /perf/1.0.0} and {@code /echo/1.0.0};
 *       commands {@code connections} and {@code heap} (used heap after full GCs).
 *   <li>{@code client ADDR}: commands {@code perf UP DOWN} (one perf run on one stream), {@code setup N}
 *       (N fresh connections, each timed from dial to the first echo round trip), {@code idle N HOSTS}
 *       (N idle connections from HOSTS client hosts) and {@code close-idle}.
 * </ul>
 *
 * <p>Both sides raise the connection limits and watermarks so that a thousand connections from one
 * address are neither refused nor trimmed; the defaults are meant for the open network. Commands run
 * one at a time on the main thread.
 */
public final class ServentBenchPeer {
    static final String ECHO = "/echo/1.0.0";
    static final String AGENT = "servent-bench";
    private static final Multiaddr LOOPBACK = Multiaddr.parse("/ip4/127.0.0.1/tcp/0");

    private final BasicHost host;
    private final List<AutoCloseable> services = new ArrayList<>();
    private final List<BasicHost> idleHosts = new ArrayList<>();

    private ServentBenchPeer(List<Multiaddr> listen) throws IOException {
        this.host = newHost(listen);
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("server")) {
            new ServentBenchPeer(List.of(LOOPBACK)).serve();
        } else if (args.length == 2 && args[0].equals("client")) {
            new ServentBenchPeer(List.of()).drive(Multiaddr.parse(args[1]));
        } else {
            System.err.println("usage: ServentBenchPeer server | client /ip4/…/tcp/…/p2p/…");
            System.exit(2);
        }
    }

    static HostConfig benchConfig(List<Multiaddr> listen) {
        HostLimits limits = HostLimits.defaults()
                .withMaxConnections(8192)
                .withMaxConnectionsPerPeer(8192)
                .withMaxInboundConnectionsPerIp(8192)
                .withMaxPendingHandshakes(1024);
        return HostConfig.defaults()
                .withListenAddresses(listen)
                .withLimits(limits)
                .withWatermarks(8000, 8192);
    }

    private BasicHost newHost(List<Multiaddr> listen) throws IOException {
        BasicHost h = BasicHost.builder(Ed25519PrivateKey.generate())
                .config(benchConfig(listen))
                .build();
        services.add(new IdentifyService(h, AGENT));
        h.start();
        return h;
    }

    // ---- server ----

    private void serve() throws IOException {
        services.add(new PerfService(host));
        host.setStreamHandler(ECHO, ServentBenchPeer::echo);
        Map<String, Object> ready = new LinkedHashMap<>();
        ready.put("event", "ready");
        ready.put(
                "addr", host.listenAddresses().get(0).withPeerId(host.peerId()).toString());
        ready.put("aead", new NoiseSecurity().aeadProvider().name());
        BenchJson.print(ready);
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = commands.readLine()) != null) {
            String command = line.trim();
            if (command.isEmpty()) {
                continue;
            }
            try {
                switch (command) {
                    case "connections" ->
                        BenchJson.print(Map.of("connections", host.connections().size()));
                    case "heap" ->
                        BenchJson.print(Map.of(
                                "heapUsed",
                                usedHeapAfterGc(),
                                "connections",
                                host.connections().size()));
                    case "quit" -> {
                        shutdown();
                        return;
                    }
                    default -> BenchJson.print(Map.of("error", "unknown command: " + command));
                }
            } catch (RuntimeException e) {
                BenchJson.print(Map.of("error", e.toString()));
            }
        }
        shutdown();
    }

    static void echo(Stream stream) throws IOException {
        InputStream in = stream.in();
        OutputStream out = stream.out();
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
            out.flush();
        }
        stream.closeWrite();
    }

    /** Heap in use after full collections, once the figure settles (finalisation and cleaners may free more). */
    static long usedHeapAfterGc() {
        long previous = Long.MAX_VALUE;
        long used = 0;
        for (int i = 0; i < 10; i++) {
            System.gc();
            used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (Math.abs(previous - used) < 64 * 1024) {
                break;
            }
            previous = used;
        }
        return used;
    }

    // ---- client ----

    private void drive(Multiaddr server) throws IOException {
        PeerId serverPeer = server.peerId().orElseThrow(() -> new IllegalArgumentException("ADDR needs /p2p/"));
        PerfService perf = new PerfService(host);
        services.add(perf);
        BenchJson.print(Map.of("event", "ready"));
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = commands.readLine()) != null) {
            String[] words = line.trim().split("\\s+");
            if (words[0].isEmpty()) {
                continue;
            }
            try {
                switch (words[0]) {
                    case "perf" -> {
                        host.connect(server);
                        PerfResult result = perf.run(serverPeer, Long.parseLong(words[1]), Long.parseLong(words[2]));
                        Map<String, Object> out = new LinkedHashMap<>();
                        out.put("upload", result.uploadBytes());
                        out.put("download", result.downloadBytes());
                        out.put("uploadSeconds", result.uploadTime().toNanos() / 1e9);
                        out.put("downloadSeconds", result.downloadTime().toNanos() / 1e9);
                        // From the first byte sent to the last byte received: an upload only counts
                        // once the server has drained it and closed its side.
                        out.put(
                                "seconds",
                                (result.uploadTime().toNanos()
                                                + result.downloadTime().toNanos())
                                        / 1e9);
                        BenchJson.print(out);
                    }
                    case "setup" -> BenchJson.print(setup(server, Integer.parseInt(words[1])));
                    case "idle" ->
                        BenchJson.print(
                                Map.of("opened", idle(server, Integer.parseInt(words[1]), Integer.parseInt(words[2]))));
                    case "close-idle" -> {
                        closeIdle();
                        BenchJson.print(Map.of("closed", true));
                    }
                    case "quit" -> {
                        shutdown();
                        return;
                    }
                    default -> BenchJson.print(Map.of("error", "unknown command: " + line));
                }
            } catch (IOException | RuntimeException e) {
                BenchJson.print(Map.of("error", e.toString()));
            }
        }
        shutdown();
    }

    /**
     * Dials {@code server} {@code count} times; each sample runs from the dial to the first echo round
     * trip of 32 bytes on a new stream (TCP connect, Noise XX, Yamux, two multistream negotiations).
     * A failed dial is reported in {@code failures}, not retried.
     */
    private Map<String, Object> setup(Multiaddr server, int count) {
        PeerId serverPeer = server.peerId().orElseThrow();
        host.disconnect(serverPeer);
        List<Double> millis = new ArrayList<>(count);
        List<String> failures = new ArrayList<>();
        byte[] payload = new byte[32];
        byte[] reply = new byte[32];
        for (int i = 0; i < count; i++) {
            ThreadLocalRandom.current().nextBytes(payload);
            long start = System.nanoTime();
            Connection connection = null;
            try {
                connection = host.connect(server);
                Stream stream = connection.newStream(ECHO);
                stream.out().write(payload);
                stream.out().flush();
                int n = stream.in().readNBytes(reply, 0, reply.length);
                long end = System.nanoTime();
                if (n != reply.length || !Arrays.equals(payload, reply)) {
                    throw new IOException("the echo differs from what was sent");
                }
                stream.close();
                millis.add((end - start) / 1e6);
            } catch (IOException e) {
                failures.add(e + " after " + (System.nanoTime() - start) / 1_000_000 + " ms");
            } finally {
                if (connection != null) {
                    connection.close();
                }
            }
        }
        return Map.of("millis", millis, "failures", failures);
    }

    /** Opens {@code count} connections from {@code hosts} fresh client hosts and leaves them idle. */
    private int idle(Multiaddr server, int count, int hosts) throws IOException {
        Multiaddr bare = server.withoutPeerId(); // without /p2p/ every connect dials anew
        List<BasicHost> clients = new ArrayList<>();
        for (int i = 0; i < hosts; i++) {
            BasicHost client = newHost(List.of());
            clients.add(client);
            idleHosts.add(client);
        }
        for (int i = 0; i < count; i++) {
            clients.get(i % hosts).connect(bare);
        }
        return count;
    }

    private void closeIdle() {
        idleHosts.forEach(BasicHost::close);
        idleHosts.clear();
    }

    private void shutdown() {
        closeIdle();
        for (AutoCloseable service : services) {
            try {
                service.close();
            } catch (Exception e) {
                System.err.println("closing " + service + ": " + e);
            }
        }
        host.close();
    }
}
