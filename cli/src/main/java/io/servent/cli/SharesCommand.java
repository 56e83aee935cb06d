package io.servent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.servent.node.ByteSize;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code servent shares}. */
@Command(
        name = "shares",
        mixinStandardHelpOptions = true,
        description = "List shared folders: id, folder, who may see it, files, size, indexing progress.")
final class SharesCommand extends ClientCommand {
    @Override
    int run(ApiClient client, PrintWriter out) throws CliException {
        ApiClient.Response response = client.get("shares", Duration.ofSeconds(10));
        if (printedJson(response, out)) {
            return ExitCodes.OK;
        }
        if (response.json().isEmpty()) {
            out.println("nothing is shared; share a folder with 'servent share DIR'");
            return ExitCodes.OK;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "FOLDER", "VISIBLE TO", "FILES", "SIZE", "INDEX"});
        for (JsonNode s : response.json()) {
            JsonNode indexing = s.path("indexing");
            rows.add(new String[] {
                s.path("id").asText(),
                s.path("dir").asText(),
                who(s.path("to")),
                s.path("files").asText(),
                ByteSize.format(s.path("bytes").asLong()),
                indexing.path("scanning").asBoolean()
                        ? "hashing " + indexing.path("done").asLong() + "/"
                                + indexing.path("total").asLong()
                        : "indexed"
            });
        }
        PeersCommand.printTable(rows, out);
        return ExitCodes.OK;
    }

    /** "everyone", or the peers, shortened. */
    static String who(JsonNode to) {
        List<String> out = new ArrayList<>();
        for (JsonNode t : to) {
            out.add(t.asText());
        }
        return out.isEmpty() ? "everyone" : String.join(", ", out);
    }
}
