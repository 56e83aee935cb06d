package io.servent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code servent share DIR [--to everyone|peer:PEERID…]}. */
@Command(
        name = "share",
        mixinStandardHelpOptions = true,
        description = {
            "Share a folder; the daemon indexes it in the background ('servent shares' shows progress).",
            "e.g. servent share ~/Music, or servent share ~/Photos --to peer:12D3KooW… peer:12D3KooW…"
        })
final class ShareCommand extends ClientCommand {
    @Parameters(paramLabel = "DIR", description = "The folder to share.")
    @SuppressWarnings("NullAway.Init")
    Path dir;

    @Option(
            names = "--to",
            paramLabel = "WHO",
            arity = "1..*",
            description = "'everyone' (the default) or one or more peer:<PeerId>.")
    List<String> to = new ArrayList<>();

    @Override
    int run(ApiClient client, PrintWriter out) throws CliException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("dir", dir.toAbsolutePath().normalize().toString());
        if (!to.isEmpty()) {
            body.put("to", to);
        }
        ApiClient.Response response = client.post("shares", body, Duration.ofSeconds(30));
        if (printedJson(response, out)) {
            return ExitCodes.OK;
        }
        JsonNode share = response.json();
        out.println("sharing " + share.path("dir").asText() + " (id "
                + share.path("id").asLong() + ") with " + SharesCommand.who(share.path("to")));
        out.println("indexing in the background; 'servent shares' shows the progress");
        return ExitCodes.OK;
    }
}
