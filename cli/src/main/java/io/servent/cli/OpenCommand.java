package io.servent.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code servent open}: a fresh one-time login link for the web UI. */
@Command(
        name = "open",
        mixinStandardHelpOptions = true,
        description = "Print a one-time link that logs a browser into the daemon's web UI.")
final class OpenCommand extends ClientCommand {
    @Override
    int run(ApiClient client, PrintWriter out) throws CliException {
        ApiClient.Response response = client.post("login-link", Map.of(), Duration.ofSeconds(10));
        if (printedJson(response, out)) {
            return ExitCodes.OK;
        }
        out.println(response.json().path("url").asText());
        out.println("(works once, within a day; it sets a cookie so this browser stays logged in)");
        return ExitCodes.OK;
    }
}
