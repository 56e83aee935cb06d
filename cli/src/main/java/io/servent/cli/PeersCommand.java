package io.servent.cli;

import io.servent.node.PeerConnection;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code servent peers}. */
@Command(
        name = "peers",
        mixinStandardHelpOptions = true,
        description = "List open connections: peer, address, direction, agent, latency, streams, age.")
final class PeersCommand extends ClientCommand {
    @Override
    int run(ApiClient client, PrintWriter out) throws CliException {
        ApiClient.Response response = client.get("peers", Duration.ofSeconds(10));
        if (printedJson(response, out)) {
            return ExitCodes.OK;
        }
        PeerConnection[] peers = client.parse(response, PeerConnection[].class);
        if (peers.length == 0) {
            out.println("no peers connected");
            return ExitCodes.OK;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"PEER", "ADDRESS", "DIR", "AGENT", "LATENCY", "STREAMS", "OPEN FOR"});
        Instant now = Instant.now();
        for (PeerConnection p : peers) {
            rows.add(new String[] {
                p.peerId(),
                p.remoteAddress(),
                p.direction().equals("inbound") ? "in" : "out",
                p.agent() == null ? "?" : p.agent(),
                p.latencyMs() == null ? "-" : Durations.millis(p.latencyMs()),
                Integer.toString(p.streams()),
                age(p.openedAt(), now)
            });
        }
        printTable(rows, out);
        out.println(peers.length + (peers.length == 1 ? " connection" : " connections"));
        return ExitCodes.OK;
    }

    static void printTable(List<String[]> rows, PrintWriter out) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]);
                if (i < row.length - 1) {
                    line.append(" ".repeat(widths[i] - row[i].length() + 2));
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static String age(String openedAt, Instant now) {
        try {
            Duration age = Duration.between(Instant.parse(openedAt), now);
            long s = Math.max(0, age.toSeconds());
            if (s < 60) {
                return s + "s";
            }
            if (s < 3600) {
                return s / 60 + "m" + s % 60 + "s";
            }
            return s / 3600 + "h" + (s % 3600) / 60 + "m";
        } catch (DateTimeParseException e) {
            return "?";
        }
    }
}
