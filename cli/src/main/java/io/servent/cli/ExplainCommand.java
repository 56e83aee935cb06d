package io.servent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code servent explain CID}. */
@Command(
        name = "explain",
        mixinStandardHelpOptions = true,
        description = "Why a file can or cannot be found and downloaded: search modes, providers, reachability.")
final class ExplainCommand extends ClientCommand {
    @Parameters(paramLabel = "CID", description = "The file's root CID.")
    @SuppressWarnings("NullAway.Init")
    String cid;

    @Override
    int run(ApiClient client, PrintWriter out) throws CliException {
        ApiClient.Response r = client.get("explain/" + cid.strip(), Duration.ofSeconds(60));
        if (printedJson(r, out)) {
            return ExitCodes.OK;
        }
        JsonNode e = r.json();
        List<String> seen = new ArrayList<>();
        e.path("modes").fields().forEachRemaining(m -> {
            if (m.getValue().asBoolean()) {
                seen.add(m.getKey());
            }
        });
        out.println(e.path("cid").asText() + (e.path("local").asBoolean() ? " (shared by this node)" : ""));
        out.println("found by: " + (seen.isEmpty() ? "no search yet" : String.join(", ", seen)));
        for (JsonNode p : e.path("providers")) {
            out.println("  " + p.path("peer").asText() + "  "
                    + (p.path("reachable").asBoolean() ? "reachable" : "unreachable")
                    + (p.path("viaRelay").asBoolean() ? " via relay" : ""));
        }
        for (JsonNode reason : e.path("reasons")) {
            out.println("- " + reason.asText());
        }
        return ExitCodes.OK;
    }
}
