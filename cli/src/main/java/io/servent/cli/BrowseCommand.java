package io.servent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.servent.node.ByteSize;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code servent browse PEERID}. */
@Command(
        name = "browse",
        mixinStandardHelpOptions = true,
        description = "List the files a peer shares with this node (connect to it first).")
final class BrowseCommand extends ClientCommand {
    @Parameters(paramLabel = "PEERID", description = "The peer to browse.")
    @SuppressWarnings("NullAway.Init")
    String peer;

    @Override
    int run(ApiClient client, PrintWriter out) throws CliException {
        ApiClient.Response response = client.get("browse/" + peer.strip(), Duration.ofSeconds(120));
        if (printedJson(response, out)) {
            return ExitCodes.OK;
        }
        JsonNode files = response.json().path("files");
        if (files.isEmpty()) {
            out.println(peer + " shares nothing with this node");
            return ExitCodes.OK;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "SIZE", "TYPE", "CID"});
        long total = 0;
        for (JsonNode f : files) {
            total += f.path("size").asLong();
            rows.add(new String[] {
                f.path("name").asText(),
                ByteSize.format(f.path("size").asLong()),
                f.path("type").asText(),
                f.path("cid").asText()
            });
        }
        PeersCommand.printTable(rows, out);
        out.println(files.size() + (files.size() == 1 ? " file, " : " files, ") + ByteSize.format(total));
        return ExitCodes.OK;
    }
}
