package io.servent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue #3's gossipsub benchmark: Ed25519 sign/verify per core for the JDK and BouncyCastle (JMH),
 * then messages per second through a 10-peer mesh with each engine (separate processes, since the
 * engine is chosen once per process). Writes the "gossipsub" section of {@code bench/RESULTS.md}.
 *
 * <p>Usage: {@code GossipsubBenchRunner --out RESULTS.md --logs DIR [--quick]}
 */
public final class GossipsubBenchRunner {
    private static final Duration MESH_TIMEOUT = Duration.ofMinutes(6);

    private GossipsubBenchRunner() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of("bench/RESULTS.md");
        Path logs = Path.of("bench/target/bench-logs");
        boolean quick = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--logs" -> logs = Path.of(args[++i]);
                case "--quick" -> quick = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        String loadBefore = ProcessCpu.loadAverage();
        List<String> java = javaCommand();
        Map<String, double[]> ed25519 = ed25519(java, logs.toAbsolutePath(), quick);
        int messages = quick ? 2_000 : 20_000;
        List<JsonNode> mesh = new ArrayList<>();
        for (String engine : List.of("jdk", "default")) {
            List<String> command = new ArrayList<>(java);
            if (engine.equals("jdk")) {
                command.add(1, "-Dservent.ed25519=jdk");
            }
            command.addAll(List.of(GossipsubMeshBench.class.getName(), Integer.toString(messages)));
            try (ChildProcess child = ChildProcess.start("gossipsub-mesh-" + engine, command, logs)) {
                mesh.add(child.awaitJson(MESH_TIMEOUT));
            }
        }
        String markdown = render(ed25519, mesh, loadBefore, ProcessCpu.loadAverage());
        ResultsFile.writeSection(out, "gossipsub", markdown);
        System.out.println(markdown);
    }

    private static List<String> javaCommand() {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(
                ProcessHandle.current().info().arguments().map(a -> jvmFlags(a)).orElse(List.of()));
        command.addAll(List.of("-cp", System.getProperty("java.class.path")));
        return command;
    }

    /** The JVM flags this process was started with (everything before the main class). */
    private static List<String> jvmFlags(String[] arguments) {
        List<String> flags = new ArrayList<>();
        for (int i = 0; i < arguments.length; i++) {
            String a = arguments[i];
            if (a.equals("-cp") || a.equals("-classpath")) {
                i++;
            } else if (a.startsWith("-")) {
                flags.add(a);
            } else {
                break;
            }
        }
        return flags;
    }

    /** operation/engine → {score, error} in operations per second. */
    private static Map<String, double[]> ed25519(List<String> java, Path logs, boolean quick) throws IOException {
        Path json = logs.resolve("jmh-ed25519.json");
        List<String> command = new ArrayList<>(java);
        command.addAll(List.of(
                "org.openjdk.jmh.Main", Ed25519Benchmark.class.getName(), "-rf", "json", "-rff", json.toString()));
        if (quick) {
            command.addAll(List.of("-wi", "1", "-i", "2"));
        }
        try (ChildProcess jmh = ChildProcess.start("jmh-ed25519", command, logs)) {
            jmh.awaitExit(Duration.ofMinutes(10));
        }
        Map<String, double[]> scores = new LinkedHashMap<>();
        for (JsonNode run : BenchJson.parse(Files.readString(json))) {
            String benchmark = run.get("benchmark").asText();
            String operation = benchmark.substring(benchmark.lastIndexOf('.') + 1);
            String engine = run.path("params").path("engine").asText();
            JsonNode metric = run.get("primaryMetric");
            scores.put(operation + "/" + engine, new double[] {
                metric.get("score").asDouble(), metric.get("scoreError").asDouble()
            });
        }
        return scores;
    }

    private static String render(
            Map<String, double[]> ed25519, List<JsonNode> mesh, String loadBefore, String loadAfter) {
        StringBuilder md = new StringBuilder();
        md.append("## gossipsub and Ed25519 (issue #3, `bench/gossipsub.sh`)\n\n");
        md.append("Run on ")
                .append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")))
                .append(" UTC, ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" cores, JDK ")
                .append(Runtime.version())
                .append("; load average ")
                .append(loadBefore)
                .append(" before, ")
                .append(loadAfter)
                .append(" after.\n\n");
        md.append("### Ed25519, one core (JMH, 1 fork, 3 × 1 s warm-up, 5 × 1 s measurement), ")
                .append("a 336-byte message\n\n");
        md.append("| operation | JDK (ops/s) | BouncyCastle (ops/s) | BouncyCastle / JDK |\n|---|---|---|---|\n");
        for (String op : List.of("verify", "sign")) {
            double[] jdk = ed25519.getOrDefault(op + "/JDK", new double[] {Double.NaN, 0});
            double[] bc = ed25519.getOrDefault(op + "/BOUNCYCASTLE", new double[] {Double.NaN, 0});
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %,.0f ± %,.0f | %,.0f ± %,.0f | %.1f× |%n",
                    op,
                    jdk[0],
                    jdk[1],
                    bc[0],
                    bc[1],
                    bc[0] / jdk[0]));
        }
        md.append("\nservent uses BouncyCastle when it loads (and passes its RFC 8032 self test), the JDK"
                + " otherwise (`-Dservent.ed25519=jdk` forces it).\n\n");
        md.append("### Messages per second through a 10-peer mesh\n\n");
        md.append("Ten real hosts in one process on the memory transport with Noise and Yamux, fully connected,"
                + " every peer subscribed and publishing 256-byte messages (StrictSign: one signature and nine"
                + " verifications per message); at most 200 messages in flight, every message delivered to"
                + " all nine other peers.\n\n");
        md.append("| Ed25519 engine | messages | seconds | messages/s | deliveries/s | messages per CPU-second |"
                + " RPCs dropped |\n|---|---|---|---|---|---|---|\n");
        double jdkRate = Double.NaN;
        for (JsonNode r : mesh) {
            String engine = r.get("engine").asText().equals("jdk") ? "JDK" : "BouncyCastle (default)";
            double rate = r.get("messagesPerSecond").asDouble();
            if (engine.equals("JDK")) {
                jdkRate = rate;
            }
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %,d | %.2f | %,.0f | %,.0f | %,.0f | %d |%n",
                    engine,
                    r.get("messages").asInt(),
                    r.get("seconds").asDouble(),
                    rate,
                    r.get("deliveriesPerSecond").asDouble(),
                    r.get("messagesPerCpuSecond").asDouble(),
                    r.get("rpcsDropped").asLong()));
        }
        double bcRate = mesh.get(mesh.size() - 1).get("messagesPerSecond").asDouble();
        md.append(String.format(
                Locale.ROOT,
                "%nBouncyCastle / JDK through the mesh: **%.1f×** (the whole mesh shares this process's %d cores).%n",
                bcRate / jdkRate,
                Runtime.getRuntime().availableProcessors()));
        return md.toString();
    }
}
