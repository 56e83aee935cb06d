package io.servent.bench;

import java.util.List;
import java.util.Locale;

/** Renders {@link BenchResults} as {@code bench/RESULTS.md}. Stateless. */
final class ResultsReport {
    private static final double TARGET_JS_RATIO = 2.0;
    private static final double TARGET_AEAD_SHARE = 0.5;
    private static final double TARGET_HEAP_KIB = 64;

    private ResultsReport() {}

    static String render(BenchResults r) {
        StringBuilder md = new StringBuilder();
        md.append("## Host: throughput, setup and memory (issue #2, `bench/run.sh`)\n\n");
        md.append("Written by `bench/run.sh` from one run on ")
                .append(r.date)
                .append("; every ratio compares numbers measured in that same run.\n\n");
        md.append("- Machine: ").append(r.machine).append('\n');
        md.append("- JDK: ").append(r.jdk).append('\n');
        md.append("- node ").append(r.node).append(", ").append(r.jsVersions).append('\n');
        md.append("- AEAD in servent's Noise: ").append(r.aeadProvider).append('\n');
        md.append("- Load average (1, 5, 15 min): ")
                .append(r.loadAtStart)
                .append(" at the start, ")
                .append(r.loadAtEnd)
                .append(" at the end. Other work on the machine stretches wall-clock ")
                .append("numbers; CPU-seconds (both processes, from /proc) do not.\n");
        md.append("- Settings: ").append(r.settings).append("\n");
        md.append("- Where the time goes and what was changed: [README.md](README.md).\n\n");
        targets(md, r);
        limits(md, r);
        aead(md, r);
        throughput(md, r);
        setup(md, r);
        heap(md, r);
        return md.toString();
    }

    private static void targets(StringBuilder md, BenchResults r) {
        md.append("### Targets\n\n");
        if (r.overloaded()) {
            md.append("> The load average exceeded the machine's ")
                    .append(r.cores)
                    .append(
                            " cores during this run: the wall-clock rows (and the AEAD limit, which JMH measures in wall-clock"
                                    + " time too) move with the load from run to run; the CPU rows are the stable comparison.\n\n");
        }
        md.append("| target | servent | reference | ratio | met |\n|---|---|---|---|---|\n");
        double limit = r.aeadLimit();
        for (String direction : List.of("upload", "download")) {
            double servent = r.medianMegabytesPerSecond("servent " + direction);
            double js = r.medianMegabytesPerSecond("js " + direction);
            row(
                    md,
                    direction + " throughput ≥ 2× js-libp2p (wall clock)",
                    mbps(servent),
                    mbps(js) + " (js)",
                    servent / js,
                    servent / js >= TARGET_JS_RATIO);
            double serventCpu = r.medianMegabytesPerCpuSecond("servent " + direction);
            double jsCpu = r.medianMegabytesPerCpuSecond("js " + direction);
            row(
                    md,
                    direction + " MB per CPU-second ≥ 2× js-libp2p (load-independent)",
                    mbps(serventCpu),
                    mbps(jsCpu) + " (js)",
                    serventCpu / jsCpu,
                    serventCpu / jsCpu >= TARGET_JS_RATIO);
            row(
                    md,
                    direction + " throughput ≥ 50% of the AEAD's single-core limit",
                    mbps(servent),
                    mbps(limit) + " (" + r.aeadProvider + ", slower of seal/open)",
                    servent / limit,
                    servent / limit >= TARGET_AEAD_SHARE);
        }
        double serventSetup = r.serventSetup.median();
        double jsSetup = r.jsSetup.median();
        row(
                md,
                "setup median ≤ js-libp2p's",
                ms(serventSetup),
                ms(jsSetup) + " (js)",
                serventSetup / jsSetup,
                serventSetup <= jsSetup);
        double serventDialCpu = r.serventSetupCpu.median();
        double jsDialCpu = r.jsSetupCpu.median();
        row(
                md,
                "setup CPU-ms per dial ≤ js-libp2p's (load-independent)",
                ms(serventDialCpu),
                ms(jsDialCpu) + " (js)",
                serventDialCpu / jsDialCpu,
                serventDialCpu <= jsDialCpu);
        double kib = heapPerConnectionKib(r);
        row(
                md,
                "heap per idle connection ≤ 64 KiB",
                String.format(Locale.ROOT, "%.1f KiB", kib),
                "64 KiB",
                kib / TARGET_HEAP_KIB,
                kib <= TARGET_HEAP_KIB);
        md.append('\n');
    }

    private static void row(
            StringBuilder md, String target, String servent, String reference, double ratio, boolean met) {
        md.append("| ")
                .append(target)
                .append(" | ")
                .append(servent)
                .append(" | ")
                .append(reference)
                .append(" | ")
                .append(String.format(Locale.ROOT, "%.2f", ratio))
                .append(" | ")
                .append(met ? "yes" : "**no**")
                .append(" |\n");
    }

    private static void limits(StringBuilder md, BenchResults r) {
        md.append("### 1. The machine's limits on loopback\n\n");
        md.append("| reference | MB/s | notes |\n|---|---|---|\n");
        Double iperf = r.iperfMegabytesPerSecond;
        md.append("| raw TCP | ")
                .append(iperf == null ? "n/a" : mbps(iperf))
                .append(" | ")
                .append(r.iperfNote)
                .append(" |\n");
        md.append("| plain Java sockets, JVM → JVM | ")
                .append(mbps(r.javaSockets.median()))
                .append(" | blocking socket streams, 64 KiB writes, 4 GiB per run: ")
                .append(BenchRunner.format(r.javaSockets))
                .append(" |\n\n");
    }

    private static void aead(StringBuilder md, BenchResults r) {
        md.append("### 2. ChaCha20-Poly1305, one core, 64 KiB Noise frames\n\n");
        md.append("| provider | operation | MB/s | frames/s ± 99.9% |\n|---|---|---|---|\n");
        for (BenchResults.Aead a : r.aead) {
            md.append("| ")
                    .append(a.provider())
                    .append(" | ")
                    .append(a.operation())
                    .append(" | ")
                    .append(mbps(a.megabytesPerSecond()))
                    .append(" | ")
                    .append(String.format(Locale.ROOT, "%.0f ± %.0f", a.framesPerSecond(), a.error()))
                    .append(" |\n");
        }
        md.append('\n')
                .append(r.jmhNote)
                .append(
                        ". A fresh init per frame with the next nonce, as Noise does; the JDK on byte arrays, Conscrypt on"
                                + " direct buffers (each provider's fastest input). JMH scores are wall-clock, so load from other work"
                                + " lowers them as it lowers the perf rates measured in the same run.\n\n");
    }

    private static void throughput(StringBuilder md, BenchResults r) {
        md.append("### 3–4. perf throughput, one stream, TCP + Noise + Yamux, separate processes\n\n");
        md.append("Each run moves the bytes one way on a fresh `/perf/1.0.0` stream of a warm connection, timed ")
                .append("by the client from the first byte sent to the last byte received (an upload counts once ")
                .append("the server has read it all). CPU is user + system time of both processes.\n\n");
        md.append("| stack | direction | MB/s (median) | runs (MB/s) | CPU-s per GiB (client + server) | ")
                .append("MB per CPU-s | load (1 min) |\n|---|---|---|---|---|---|---|\n");
        for (var entry : r.transfers.entrySet()) {
            String[] key = entry.getKey().split(" ");
            Samples rates = new Samples();
            Samples cpu = new Samples();
            Samples client = new Samples();
            Samples server = new Samples();
            Samples load = new Samples();
            for (BenchResults.Transfer t : entry.getValue()) {
                rates.add(t.megabytesPerSecond());
                cpu.add(t.megabytesPerCpuSecond());
                client.add(t.clientCpu() / (t.bytes() / (double) (1L << 30)));
                server.add(t.serverCpu() / (t.bytes() / (double) (1L << 30)));
                load.add(t.load());
            }
            md.append("| ")
                    .append(key[0].equals("js") ? "js-libp2p" : "servent")
                    .append(" | ")
                    .append(key[1])
                    .append(" | ")
                    .append(mbps(rates.median()))
                    .append(" | ")
                    .append(BenchRunner.format(rates))
                    .append(" | ")
                    .append(String.format(Locale.ROOT, "%.2f + %.2f", client.median(), server.median()))
                    .append(" | ")
                    .append(mbps(cpu.median()))
                    .append(" | ")
                    .append(String.format(Locale.ROOT, "%.2f–%.2f", load.min(), load.max()))
                    .append(" |\n");
        }
        md.append("\nRatios of the medians:\n\n| servent vs | upload | download |\n|---|---|---|\n");
        double up = r.medianMegabytesPerSecond("servent upload");
        double down = r.medianMegabytesPerSecond("servent download");
        ratioRow(
                md,
                "js-libp2p",
                up / r.medianMegabytesPerSecond("js upload"),
                down / r.medianMegabytesPerSecond("js download"));
        ratioRow(md, "AEAD single-core limit (" + mbps(r.aeadLimit()) + ")", up / r.aeadLimit(), down / r.aeadLimit());
        Double iperf = r.iperfMegabytesPerSecond;
        if (iperf != null) {
            ratioRow(md, "raw TCP (iperf3)", up / iperf, down / iperf);
        }
        ratioRow(md, "plain Java sockets", up / r.javaSockets.median(), down / r.javaSockets.median());
        md.append('\n');
    }

    private static void ratioRow(StringBuilder md, String what, double up, double down) {
        md.append("| ")
                .append(what)
                .append(" | ")
                .append(String.format(Locale.ROOT, "%.2f", up))
                .append(" | ")
                .append(String.format(Locale.ROOT, "%.2f", down))
                .append(" |\n");
    }

    private static void setup(StringBuilder md, BenchResults r) {
        md.append("### 5. Connection setup: dial → Noise → Yamux → first stream echo round trip\n\n");
        md.append("Each sample opens a new TCP connection, runs multistream-select, the Noise XX handshake and ")
                .append("Yamux, opens a stream, negotiates `/echo/1.0.0` and waits for 32 bytes to come back; ")
                .append("the connection is then closed. Both stacks run identify, as default hosts do. The ")
                .append("stacks alternate in blocks so load changes hit both.\n\n");
        md.append("| stack | median ms | p99 ms | min | max | CPU-ms per dial (client + server) | dials | failed |\n")
                .append("|---|---|---|---|---|---|---|---|\n");
        setupRow(md, "servent", r.serventSetup, r.serventSetupCpu, r.serventSetupFailures);
        setupRow(md, "js-libp2p", r.jsSetup, r.jsSetupCpu, r.jsSetupFailures);
        md.append("\nLoad average (1 min) during the blocks: ")
                .append(String.format(Locale.ROOT, "%.2f–%.2f", r.setupLoad.min(), r.setupLoad.max()))
                .append(".\n\n");
    }

    private static void setupRow(StringBuilder md, String stack, Samples s, Samples cpu, List<String> failures) {
        md.append("| ").append(stack).append(" | ").append(ms(s.median())).append(" | ");
        md.append(ms(s.percentile(99)))
                .append(" | ")
                .append(ms(s.min()))
                .append(" | ")
                .append(ms(s.max()));
        md.append(" | ")
                .append(ms(cpu.median()))
                .append(" | ")
                .append(s.count())
                .append(" | ");
        md.append(failures.size());
        if (!failures.isEmpty()) {
            md.append(" (first: ").append(failures.get(0).replace('|', '/')).append(')');
        }
        md.append(" |\n");
    }

    private static void heap(StringBuilder md, BenchResults r) {
        md.append("### 6. Heap per idle connection (servent server)\n\n");
        md.append("| heap before | heap after | connections | per connection |\n|---|---|---|---|\n");
        md.append("| ")
                .append(mib(r.heapBefore))
                .append(" | ")
                .append(mib(r.heapAfter))
                .append(" | ")
                .append(r.idleConnections)
                .append(" | ")
                .append(String.format(Locale.ROOT, "%.1f KiB", heapPerConnectionKib(r)))
                .append(" |\n\n");
        md.append(r.heapNote)
                .append(". The connections are upgraded (Noise, Yamux), identified and then idle; the ")
                .append(
                        "per-connection figure includes their reader virtual threads' stacks, which live on the heap.\n");
    }

    private static double heapPerConnectionKib(BenchResults r) {
        return r.idleConnections == 0 ? Double.NaN : (r.heapAfter - r.heapBefore) / 1024.0 / r.idleConnections;
    }

    private static String mbps(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }
}
