package io.servent.sim;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The simulator's command: {@code sim [--peers=N] [--ops=N] [--speedup=X] [--seed=S] [--latency=MS] [--rate=MSGS_PER_S] [--join=bootstrap|self] [--markdown]
 * SCENARIO…} runs the named scenarios one after the other ({@code all} for the standard set) and
 * prints a report for each on stdout; progress goes to stderr. Options apply to every scenario named.
 * Exit status 0 if every scenario ran, 1 if one failed, 2 for bad arguments.
 */
public final class Sim {
    private Sim() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        List<SimScenario> scenarios = new ArrayList<>();
        Optional<Integer> peers = Optional.empty();
        Optional<Integer> ops = Optional.empty();
        Optional<Double> speedup = Optional.empty();
        Optional<Long> seed = Optional.empty();
        Optional<Duration> latency = Optional.empty();
        Optional<Double> rate = Optional.empty();
        Optional<SimScenario.Join> join = Optional.empty();
        boolean markdown = false;
        List<String> names = new ArrayList<>();
        try {
            for (String arg : args) {
                if (arg.startsWith("--peers=")) {
                    peers = Optional.of(Integer.parseInt(arg.substring(8)));
                } else if (arg.startsWith("--ops=")) {
                    ops = Optional.of(Integer.parseInt(arg.substring(6)));
                } else if (arg.startsWith("--speedup=")) {
                    speedup = Optional.of(Double.parseDouble(arg.substring(10)));
                } else if (arg.startsWith("--seed=")) {
                    seed = Optional.of(Long.parseLong(arg.substring(7)));
                } else if (arg.startsWith("--rate=")) {
                    rate = Optional.of(Double.parseDouble(arg.substring(7)));
                } else if (arg.startsWith("--latency=")) {
                    latency = Optional.of(Duration.ofMillis(Long.parseLong(arg.substring(10))));
                } else if (arg.equals("--join=bootstrap")) {
                    join = Optional.of(SimScenario.Join.BOOTSTRAP);
                } else if (arg.equals("--join=self")) {
                    join = Optional.of(SimScenario.Join.SELF_LOOKUP);
                } else if (arg.equals("--markdown")) {
                    markdown = true;
                } else if (arg.equals("-h") || arg.equals("--help")) {
                    out.println(usage());
                    return 0;
                } else if (arg.startsWith("-")) {
                    throw new IllegalArgumentException("unknown option " + arg);
                } else if (arg.equals("all")) {
                    names.addAll(SimScenarios.ALL);
                } else {
                    names.add(arg);
                }
            }
            if (names.isEmpty()) {
                throw new IllegalArgumentException("name at least one scenario");
            }
            for (String name : names) {
                SimScenario s = SimScenarios.byName(name)
                        .orElseThrow(() -> new IllegalArgumentException("no scenario named " + name));
                if (peers.isPresent()) {
                    s = s.withPeers(peers.get());
                }
                if (ops.isPresent()) {
                    s = s.withOperations(ops.get());
                }
                if (rate.isPresent()) {
                    s = s.withPublishRate(rate.get());
                }
                if (latency.isPresent()) {
                    s = s.withLatency(latency.get(), latency.get());
                }
                if (join.isPresent()) {
                    s = s.withJoin(join.get());
                }
                if (seed.isPresent()) {
                    s = s.withSeed(seed.get());
                }
                if (speedup.isPresent() && s.churn().isPresent()) {
                    s = s.withChurn(s.churn().get().withSpeedup(speedup.get()));
                }
                scenarios.add(s);
            }
        } catch (IllegalArgumentException e) {
            err.println("sim: " + e.getMessage());
            err.println(usage());
            return 2;
        }
        boolean failed = false;
        List<SimReport> reports = new ArrayList<>();
        for (SimScenario s : scenarios) {
            err.printf("sim: running %s%n", s.name());
            try {
                for (SimReport report : runScenario(s, err)) {
                    reports.add(report);
                    out.println(report.format());
                    out.flush();
                }
            } catch (IOException | RuntimeException e) {
                err.printf("sim: %s failed: %s%n", s.name(), e);
                failed = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
        }
        if (markdown) {
            out.println(markdownTable(reports, System.getProperty("sim.commit", "unknown")));
        }
        return failed ? 1 : 0;
    }

    /** A DHT scenario with churn reports the same network before churn too. */
    static List<SimReport> runScenario(SimScenario s, PrintStream progress) throws IOException, InterruptedException {
        return switch (s.kind()) {
            case DHT -> List.copyOf(new DhtRun(s, progress).run());
            case GOSSIP -> List.of(new GossipRun(s, progress).run());
        };
    }

    static String usage() {
        return "usage: sim [--peers=N] [--ops=N] [--speedup=X] [--seed=S] [--latency=MS] [--rate=MSGS_PER_S] [--join=bootstrap|self] [--markdown] SCENARIO…\n"
                + "scenarios: all (= " + String.join(" ", SimScenarios.ALL) + "), "
                + String.join(", ", SimScenarios.names());
    }

    /** The rows for bench/RESULTS.md's Simulator section. */
    static String markdownTable(List<SimReport> reports, String commit) {
        StringBuilder s = new StringBuilder();
        s.append("| scenario | N | success / delivery | hops p50/p90/p99 | latency ms p50/p90/p99 | msgs/lookup,"
                + " dups/msg | heap/peer | CPU/peer (join; run) | wall (build + run) | commit |\n");
        s.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (SimReport r : reports) {
            SimReport.Resources res = r.resources();
            String common = String.format(
                    Locale.ROOT,
                    "%.1f KiB | %.1f ms; %.2f ms/s | %.0f + %.0f s | %s |",
                    res.heapBytesPerPeer() / 1024.0,
                    res.buildCpuMsPerPeer(),
                    res.runCpuMsPerPeerSecond(),
                    res.buildWall().toMillis() / 1000.0,
                    res.runWall().toMillis() / 1000.0,
                    commit);
            switch (r) {
                case SimReport.Dht d ->
                    s.append(String.format(
                            Locale.ROOT,
                            "| %s | %d | %.2f%% of %d | %s | %s | %.1f | %s%n",
                            d.scenario().name(),
                            res.peers(),
                            100 * d.successRate(),
                            d.lookups(),
                            triple(d.hops(), "%.0f"),
                            triple(d.latencyMs(), "%.0f"),
                            d.requestsPerLookup(),
                            common));
                case SimReport.Gossip g ->
                    s.append(String.format(
                            Locale.ROOT,
                            "| %s | %d | %.3f%% of %d | — | %s | %.1f | %s%n",
                            g.scenario().name(),
                            res.peers(),
                            100 * g.deliveryRatio(),
                            g.expected(),
                            triple(g.latencyMs(), "%.0f"),
                            g.duplicatesPerMessage(),
                            common));
            }
        }
        return s.toString();
    }

    private static String triple(Samples.Percentiles p, String format) {
        return String.format(Locale.ROOT, format + "/" + format + "/" + format, p.p50(), p.p90(), p.p99());
    }
}
