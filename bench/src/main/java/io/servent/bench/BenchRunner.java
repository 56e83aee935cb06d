package io.servent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Runs the whole benchmark of issue #2 in one go and writes {@code bench/RESULTS.md}: the machine's
 * limits (iperf3, plain Java sockets, the AEAD under JMH), then servent and js-libp2p side by side
 * (perf throughput both ways, connection setup), then servent's heap per idle connection. Every peer
 * is a separate process ({@link ServentBenchPeer}, {@code bench/js/bench.mjs}); the runner samples
 * their CPU time around each measurement and alternates the two stacks so drifting load from other
 * work hits both alike. Started by {@code bench/run.sh}; see {@link #usage()} for the options.
 */
public final class BenchRunner {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(5);

    private final Options options;
    private final BenchResults results = new BenchResults();
    private final List<String> java;

    record Options(
            Path out,
            Path logs,
            @Nullable Path iperf3,
            Path node,
            Path jsDir,
            int repeats,
            long transferBytes,
            int dials,
            int warmupDials,
            int idleConnections,
            int idleHosts,
            boolean quick) {}

    private BenchRunner(Options options) {
        this.options = options;
        String javaBinary = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(javaBinary, "--enable-native-access=ALL-UNNAMED"));
        if (Runtime.version().feature() >= 24) {
            command.add("--sun-misc-unsafe-memory-access=allow"); // protobuf-java, for identify
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        this.java = List.copyOf(command);
    }

    public static void main(String[] args) throws Exception {
        Options options = parse(args);
        new BenchRunner(options).run();
    }

    private static String usage() {
        return """
                usage: BenchRunner --out RESULTS.md --logs DIR --node NODE --js-dir DIR [--iperf3 PATH]
                                   [--repeats N] [--quick]
                  --quick  small sizes, to check the harness (the numbers mean little)""";
    }

    private static Options parse(String[] args) {
        Path out = null;
        Path logs = null;
        Path iperf3 = null;
        Path node = null;
        Path jsDir = null;
        int repeats = 3;
        boolean quick = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--quick")) {
                quick = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(arg + " needs a value\n" + usage());
            }
            String value = args[++i];
            switch (arg) {
                case "--out" -> out = Path.of(value);
                case "--logs" -> logs = Path.of(value);
                case "--iperf3" -> iperf3 = value.isEmpty() ? null : Path.of(value);
                case "--node" -> node = Path.of(value);
                case "--js-dir" -> jsDir = Path.of(value);
                case "--repeats" -> repeats = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("unknown option " + arg + "\n" + usage());
            }
        }
        if (out == null || logs == null || node == null || jsDir == null) {
            throw new IllegalArgumentException(usage());
        }
        return quick
                ? new Options(out, logs, iperf3, node, jsDir, 1, 128 * MIB, 20, 10, 100, 10, true)
                : new Options(out, logs, iperf3, node, jsDir, repeats, GIB, 200, 300, 1000, 125, false);
    }

    private void run() throws Exception {
        describeMachine();
        step("raw TCP (iperf3)", this::iperf3);
        step("plain Java sockets", this::javaSockets);
        step("AEAD (JMH)", this::aead);
        step("perf and setup, servent and js-libp2p", this::peers);
        step("heap per idle connection", this::idleHeap);
        results.loadAtEnd = ProcessCpu.loadAverage();
        String markdown = ResultsReport.render(results);
        ResultsFile.writeSection(options.out(), "host", markdown);
        System.out.println(markdown);
        System.out.println("wrote " + options.out());
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void step(String name, Step step) throws Exception {
        System.err.printf(Locale.ROOT, "== %s (load %s)%n", name, ProcessCpu.loadAverage());
        long start = System.nanoTime();
        step.run();
        System.err.printf(Locale.ROOT, "   done in %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    // ---- the machine ----

    private void describeMachine() throws IOException {
        results.date = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
        results.loadAtStart = ProcessCpu.loadAverage();
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                .filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim())
                .findFirst()
                .orElse("unknown CPU");
        String memory = Files.readAllLines(Path.of("/proc/meminfo")).stream()
                .filter(l -> l.startsWith("MemTotal:"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / (1024 * 1024) + " GiB RAM")
                .findFirst()
                .orElse("");
        String os = Files.readAllLines(Path.of("/etc/os-release")).stream()
                .filter(l -> l.startsWith("PRETTY_NAME="))
                .map(l -> l.substring("PRETTY_NAME=".length()).replace("\"", ""))
                .findFirst()
                .orElse("Linux");
        String kernel = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        results.machine = String.format(
                Locale.ROOT,
                "%s, %d cores, %s, %s (kernel %s)",
                cpu,
                Runtime.getRuntime().availableProcessors(),
                memory,
                os,
                kernel);
        results.jdk = System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.name") + " "
                + System.getProperty("java.runtime.version") + " (" + String.join(" ", java.subList(1, java.size() - 2))
                + ")";
        try (ChildProcess version =
                ChildProcess.start("node-version", List.of(options.node().toString(), "--version"), options.logs())) {
            results.node = String.join("", version.awaitExit(Duration.ofSeconds(30)));
        }
        List<String> versions = new ArrayList<>();
        for (String pkg : List.of(
                "libp2p", "@libp2p/tcp", "@chainsafe/libp2p-noise", "@chainsafe/libp2p-yamux", "@libp2p/identify")) {
            Path json = options.jsDir().resolve("node_modules").resolve(pkg).resolve("package.json");
            String v = Files.exists(json)
                    ? BenchJson.parse(Files.readString(json)).path("version").asText("?")
                    : "?";
            versions.add(pkg + "@" + v);
        }
        results.jsVersions = String.join(", ", versions);
        results.settings = options.quick()
                ? "QUICK MODE (harness check, sizes cut down: the numbers mean little)"
                : String.format(
                        Locale.ROOT,
                        "%d repeats of %d MiB per direction, %d dials after %d warm-up dials, %d idle connections",
                        options.repeats(),
                        options.transferBytes() / MIB,
                        options.dials(),
                        options.warmupDials(),
                        options.idleConnections());
    }

    // ---- 1. raw TCP ----

    private void iperf3() throws IOException {
        Path iperf = options.iperf3();
        if (iperf == null) {
            results.iperfNote = "iperf3 is not installed; the plain Java socket pair stands for the machine's limit";
            return;
        }
        Samples rates = new Samples();
        for (int i = 0; i < options.repeats(); i++) {
            int port = freePort();
            String p = Integer.toString(port);
            try (ChildProcess server = ChildProcess.start(
                    "iperf3-server",
                    List.of(iperf.toString(), "-s", "-1", "--forceflush", "-B", "127.0.0.1", "-p", p),
                    options.logs())) {
                server.awaitLine(l -> l.contains("listening"), Duration.ofSeconds(10));
                String seconds = options.quick() ? "2" : "5";
                try (ChildProcess client = ChildProcess.start(
                        "iperf3-client",
                        List.of(iperf.toString(), "-c", "127.0.0.1", "-p", p, "-t", seconds, "-J"),
                        options.logs())) {
                    JsonNode json = BenchJson.parse(String.join("\n", client.awaitExit(Duration.ofMinutes(1))));
                    double bits = json.path("end")
                            .path("sum_received")
                            .path("bits_per_second")
                            .asDouble();
                    rates.add(bits / 8 / 1e6);
                }
            }
        }
        results.iperfMegabytesPerSecond = rates.median();
        results.iperfNote = "iperf3, one TCP stream, median of " + rates.count() + " runs: " + format(rates);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    // ---- 1b. plain Java sockets ----

    private void javaSockets() throws IOException {
        try (ChildProcess server = javaChild("sockets-server", SocketBench.class, "server")) {
            int port = server.awaitJson(Duration.ofSeconds(30)).get("port").asInt();
            try (ChildProcess client =
                    javaChild("sockets-client", SocketBench.class, "client", Integer.toString(port))) {
                client.awaitJson(Duration.ofSeconds(30));
                long warm = options.quick() ? 256 * MIB : GIB;
                client.command("send " + warm, COMMAND_TIMEOUT);
                client.command("send " + warm, COMMAND_TIMEOUT);
                long bytes = options.quick() ? 512 * MIB : 4 * GIB;
                for (int i = 0; i < options.repeats(); i++) {
                    JsonNode r = client.command("send " + bytes, COMMAND_TIMEOUT);
                    results.javaSockets.add(bytes / r.get("seconds").asDouble() / 1e6);
                }
            }
        }
    }

    // ---- 2. AEAD ----

    private void aead() throws IOException {
        Path json = options.logs().toAbsolutePath().resolve("jmh.json");
        List<String> command = new ArrayList<>(java);
        command.addAll(
                List.of("org.openjdk.jmh.Main", AeadBenchmark.class.getName(), "-rf", "json", "-rff", json.toString()));
        if (options.quick()) {
            command.addAll(List.of("-wi", "1", "-i", "2"));
        }
        try (ChildProcess jmh = ChildProcess.start("jmh", command, options.logs())) {
            jmh.awaitExit(Duration.ofMinutes(15));
        }
        for (JsonNode run : BenchJson.parse(Files.readString(json))) {
            String benchmark = run.get("benchmark").asText();
            String operation = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            String provider = run.path("params").path("provider").asText();
            JsonNode metric = run.get("primaryMetric");
            results.aead.add(new BenchResults.Aead(
                    provider,
                    operation,
                    metric.get("score").asDouble(),
                    metric.get("scoreError").asDouble()));
        }
        results.jmhNote = "JMH 1.37, 1 fork, 3 x 1 s warm-up, 5 x 1 s measurement, 1 thread; see "
                + options.logs().resolve("jmh.out");
    }

    // ---- 3-5. servent and js-libp2p side by side ----

    private void peers() throws IOException {
        try (ChildProcess serventServer = javaChild("servent-server", ServentBenchPeer.class, "server");
                ChildProcess jsServer = jsChild("js-server", "server")) {
            JsonNode ready = serventServer.awaitJson(Duration.ofSeconds(60));
            results.aeadProvider = ready.get("aead").asText();
            String serventAddress = ready.get("addr").asText();
            String jsAddress =
                    jsServer.awaitJson(Duration.ofSeconds(60)).get("addr").asText();
            try (ChildProcess serventClient =
                            javaChild("servent-client", ServentBenchPeer.class, "client", serventAddress);
                    ChildProcess jsClient = jsChild("js-client", "client", jsAddress)) {
                serventClient.awaitJson(Duration.ofSeconds(60));
                jsClient.awaitJson(Duration.ofSeconds(60));
                Pair servent = new Pair("servent", serventClient, serventServer);
                Pair js = new Pair("js", jsClient, jsServer);
                for (Pair pair : List.of(servent, js)) {
                    warmUp(pair);
                }
                long bytes = options.transferBytes();
                for (int i = 0; i < options.repeats(); i++) {
                    for (Pair pair : List.of(servent, js)) {
                        results.transfers(pair.name() + " upload").add(transfer(pair, bytes, 0));
                    }
                    for (Pair pair : List.of(servent, js)) {
                        results.transfers(pair.name() + " download").add(transfer(pair, 0, bytes));
                    }
                }
                for (Pair pair : List.of(servent, js)) {
                    pair.client().command("setup " + options.warmupDials(), COMMAND_TIMEOUT);
                }
                int blocks = 4;
                for (int b = 0; b < blocks; b++) {
                    int n = options.dials() / blocks;
                    results.setupLoad.add(ProcessCpu.oneMinuteLoad());
                    dials(servent, n, results.serventSetup, results.serventSetupCpu, results.serventSetupFailures);
                    dials(js, n, results.jsSetup, results.jsSetupCpu, results.jsSetupFailures);
                }
            }
        }
    }

    private record Pair(String name, ChildProcess client, ChildProcess server) {}

    /** Warms up the JIT (HotSpot's or V8's) on both sides with 1 GiB of traffic, as much each way. */
    private void warmUp(Pair pair) throws IOException {
        long chunk = options.quick() ? 64 * MIB : 256 * MIB;
        for (int i = 0; i < 2; i++) {
            pair.client().command("perf " + chunk + " 0", COMMAND_TIMEOUT);
            pair.client().command("perf 0 " + chunk, COMMAND_TIMEOUT);
        }
    }

    private static BenchResults.Transfer transfer(Pair pair, long upload, long download) throws IOException {
        double load = ProcessCpu.oneMinuteLoad();
        double client0 = pair.client().cpuSeconds();
        double server0 = pair.server().cpuSeconds();
        JsonNode r = pair.client().command("perf " + upload + " " + download, COMMAND_TIMEOUT);
        double client1 = pair.client().cpuSeconds();
        double server1 = pair.server().cpuSeconds();
        BenchResults.Transfer t = new BenchResults.Transfer(
                upload + download, r.get("seconds").asDouble(), client1 - client0, server1 - server0, load);
        System.err.printf(
                Locale.ROOT,
                "   %s %s: %.0f MB/s, CPU %.2f s client + %.2f s server, load %.2f%n",
                pair.name(),
                upload > 0 ? "upload" : "download",
                t.megabytesPerSecond(),
                t.clientCpu(),
                t.serverCpu(),
                load);
        return t;
    }

    /** {@code n} timed dials; also records the CPU milliseconds both processes spent per dial. */
    private static void dials(Pair pair, int n, Samples millis, Samples cpuMillis, List<String> failures)
            throws IOException {
        double client0 = pair.client().cpuSeconds();
        double server0 = pair.server().cpuSeconds();
        JsonNode answer = pair.client().command("setup " + n, COMMAND_TIMEOUT);
        double cpu = pair.client().cpuSeconds() - client0 + pair.server().cpuSeconds() - server0;
        millis.addAll(millis(answer));
        answer.path("failures").forEach(f -> failures.add(f.asText()));
        cpuMillis.add(cpu * 1000 / n);
        System.err.printf(
                Locale.ROOT,
                "   %s setup: median %.2f ms over %d dials, %.2f CPU-ms per dial%n",
                pair.name(),
                millis.median(),
                millis.count(),
                cpu * 1000 / n);
    }

    private static List<Double> millis(JsonNode answer) {
        List<Double> out = new ArrayList<>();
        answer.get("millis").forEach(n -> out.add(n.asDouble()));
        return out;
    }

    // ---- 6. heap per idle connection ----

    private void idleHeap() throws IOException, InterruptedException {
        try (ChildProcess server = javaChild("heap-server", ServentBenchPeer.class, "server")) {
            String address =
                    server.awaitJson(Duration.ofSeconds(60)).get("addr").asText();
            try (ChildProcess client = javaChild("heap-client", ServentBenchPeer.class, "client", address)) {
                client.awaitJson(Duration.ofSeconds(60));
                // Load the classes and fill the shared pools before the baseline.
                client.command("idle 50 5", COMMAND_TIMEOUT);
                client.command("close-idle", COMMAND_TIMEOUT);
                awaitConnections(server, 0);
                results.heapBefore =
                        server.command("heap", COMMAND_TIMEOUT).get("heapUsed").asLong();
                int n = options.idleConnections();
                client.command("idle " + n + " " + options.idleHosts(), COMMAND_TIMEOUT);
                awaitConnections(server, n);
                JsonNode after = server.command("heap", COMMAND_TIMEOUT);
                results.heapAfter = after.get("heapUsed").asLong();
                results.idleConnections = after.get("connections").asInt();
                results.heapNote = String.format(
                        Locale.ROOT,
                        "%d connections from %d client hosts (one client process), server heap after System.gc()",
                        n,
                        options.idleHosts());
            }
        }
    }

    private static void awaitConnections(ChildProcess server, int expected) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int seen;
        while ((seen = server.command("connections", COMMAND_TIMEOUT)
                        .get("connections")
                        .asInt())
                != expected) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the server has " + seen + " connections, expected " + expected);
            }
            Thread.sleep(100); // polling another process: there is no event to wait for
        }
    }

    // ---- children ----

    private ChildProcess javaChild(String name, Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>(java);
        command.add(main.getName());
        command.addAll(List.of(args));
        return ChildProcess.start(name, command, options.logs());
    }

    private ChildProcess jsChild(String name, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(options.node().toString());
        command.add(options.jsDir().resolve("bench.mjs").toString());
        command.addAll(List.of(args));
        return ChildProcess.start(name, command, options.logs());
    }

    static String format(Samples s) {
        StringBuilder b = new StringBuilder();
        for (double v : s.values()) {
            if (!b.isEmpty()) {
                b.append(", ");
            }
            b.append(String.format(Locale.ROOT, "%.0f", v));
        }
        return b.toString();
    }
}
