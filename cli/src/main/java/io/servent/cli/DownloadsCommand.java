package io.servent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.servent.node.ByteSize;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code servent downloads [pause|resume|cancel ID]}. */
@Command(
        name = "downloads",
        mixinStandardHelpOptions = true,
        description = "List downloads, or pause, resume or cancel one.")
final class DownloadsCommand extends ClientCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "ACTION", description = "pause, resume or cancel.")
    @Nullable
    String action;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ID", description = "The download's id.")
    @Nullable
    Long id;

    @Override
    int run(ApiClient client, PrintWriter out) throws CliException {
        if (action == null) {
            return list(client, out);
        }
        if (id == null) {
            throw new CliException(ExitCodes.USAGE, "give the download's id: servent downloads " + action + " ID");
        }
        switch (action) {
            case "pause", "resume" -> {
                ApiClient.Response r = client.post("downloads/" + id + "/" + action, Map.of(), Duration.ofSeconds(10));
                if (!printedJson(r, out)) {
                    out.println("download " + id + ": " + r.json().path("state").asText());
                }
            }
            case "cancel" -> {
                client.delete("downloads/" + id, Duration.ofSeconds(10));
                if (!output.json) {
                    out.println("download " + id + " cancelled");
                }
            }
            default ->
                throw new CliException(ExitCodes.USAGE, "unknown action '" + action + "': use pause, resume or cancel");
        }
        return ExitCodes.OK;
    }

    private int list(ApiClient client, PrintWriter out) throws CliException {
        ApiClient.Response r = client.get("downloads", Duration.ofSeconds(10));
        if (printedJson(r, out)) {
            return ExitCodes.OK;
        }
        if (r.json().isEmpty()) {
            out.println("no downloads");
            return ExitCodes.OK;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "NAME", "STATE", "DONE", "SIZE", "SPEED", "PEERS"});
        for (JsonNode d : r.json()) {
            long size = d.path("size").asLong();
            long done = d.path("bytesDone").asLong();
            rows.add(new String[] {
                d.path("id").asText(),
                d.path("name").asText(),
                d.path("state").asText(),
                size > 0 ? (done * 100 / size) + "%" : "-",
                size >= 0 ? ByteSize.format(size) : "?",
                ByteSize.format(d.path("speedBps").asLong()) + "/s",
                d.path("peers").asText()
            });
        }
        PeersCommand.printTable(rows, out);
        return ExitCodes.OK;
    }
}
