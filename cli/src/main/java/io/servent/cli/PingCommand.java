package io.servent.cli;

import io.servent.node.NodeService;
import io.servent.node.PingReport;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code servent ping TARGET [-n N]}. */
@Command(
        name = "ping",
        mixinStandardHelpOptions = true,
        description = "Measure round trips to a peer with /ipfs/ping/1.0.0.")
final class PingCommand extends ClientCommand {
    @Parameters(paramLabel = "TARGET", description = "A multiaddr, or the PeerId of a connected or known peer.")
    @SuppressWarnings("NullAway.Init")
    String target;

    @Option(
            names = {"-n", "--count"},
            paramLabel = "N",
            defaultValue = "3",
            description = "Number of pings, 1-" + NodeService.MAX_PING_COUNT + " (default ${DEFAULT-VALUE}).")
    int count;

    @Override
    int run(ApiClient client, PrintWriter out) throws CliException {
        if (count < 1 || count > NodeService.MAX_PING_COUNT) {
            throw new CliException(
                    ExitCodes.USAGE, "--count must be 1-" + NodeService.MAX_PING_COUNT + ", not " + count);
        }
        ApiClient.Response response =
                client.post("ping", Map.of("target", target, "count", count), Duration.ofSeconds(60 + 10L * count));
        if (printedJson(response, out)) {
            return ExitCodes.OK;
        }
        PingReport report = client.parse(response, PingReport.class);
        for (int i = 0; i < report.rttsMs().size(); i++) {
            out.println("pong from " + report.peerId() + ": seq=" + (i + 1) + " time="
                    + Durations.millis(report.rttsMs().get(i)));
        }
        out.println(report.rttsMs().size() + " pings: min " + Durations.millis(report.minMs()) + ", avg "
                + Durations.millis(report.avgMs()) + ", max " + Durations.millis(report.maxMs()));
        return ExitCodes.OK;
    }
}
