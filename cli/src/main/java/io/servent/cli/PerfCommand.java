package io.servent.cli;

import io.servent.node.ByteSize;
import io.servent.node.PerfReport;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code servent perf MULTIADDR --upload SIZE --download SIZE}. */
@Command(
        name = "perf",
        mixinStandardHelpOptions = true,
        description = "Measure throughput to a peer with /perf/1.0.0 (sizes like 256MiB, 1GB, 1048576).")
final class PerfCommand extends ClientCommand {
    @Parameters(paramLabel = "MULTIADDR", description = "A multiaddr, or the PeerId of a connected or known peer.")
    @SuppressWarnings("NullAway.Init")
    String target;

    @Option(
            names = "--upload",
            paramLabel = "SIZE",
            defaultValue = "64MiB",
            converter = SizeConverter.class,
            description = "Bytes to send (default ${DEFAULT-VALUE}).")
    long upload;

    @Option(
            names = "--download",
            paramLabel = "SIZE",
            defaultValue = "64MiB",
            converter = SizeConverter.class,
            description = "Bytes to receive (default ${DEFAULT-VALUE}).")
    long download;

    @Override
    int run(ApiClient client, PrintWriter out) throws CliException {
        // Bound the wait generously: 10 minutes plus a second per 10 MB at the slowest sensible rate.
        Duration timeout = Duration.ofMinutes(10).plusSeconds((upload + download) / 10_000_000);
        ApiClient.Response response = client.post(
                "perf", Map.of("address", target, "uploadBytes", upload, "downloadBytes", download), timeout);
        if (printedJson(response, out)) {
            return ExitCodes.OK;
        }
        PerfReport r = client.parse(response, PerfReport.class);
        out.println("perf with " + r.peerId());
        if (r.uploadBytes() > 0) {
            out.println("  upload    " + ByteSize.format(r.uploadBytes()) + " in "
                    + Durations.seconds(r.uploadSeconds()) + ": " + Durations.mbps(r.uploadMBps()));
        }
        if (r.downloadBytes() > 0) {
            out.println("  download  " + ByteSize.format(r.downloadBytes()) + " in "
                    + Durations.seconds(r.downloadSeconds()) + ": " + Durations.mbps(r.downloadMBps()));
        }
        return ExitCodes.OK;
    }
}
