package io.servent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code servent unshare DIR|ID}. */
@Command(
        name = "unshare",
        mixinStandardHelpOptions = true,
        description = "Stop sharing a folder, named by its path or by its id from 'servent shares'.")
final class UnshareCommand extends ClientCommand {
    @Parameters(paramLabel = "DIR|ID", description = "The shared folder, or its share id.")
    @SuppressWarnings("NullAway.Init")
    String target;

    @Override
    int run(ApiClient client, PrintWriter out) throws CliException {
        JsonNode share = find(client, target);
        ApiClient.Response response = client.delete("shares/" + share.path("id").asLong(), Duration.ofSeconds(30));
        if (printedJson(response, out)) {
            return ExitCodes.OK;
        }
        out.println("stopped sharing " + share.path("dir").asText());
        return ExitCodes.OK;
    }

    /** The share with this id or folder (compared as real paths, so ~/Music and /home/me/Music match). */
    static JsonNode find(ApiClient client, String target) throws CliException {
        JsonNode shares = client.get("shares", Duration.ofSeconds(10)).json();
        boolean numeric = target.matches("\\d{1,18}");
        String wanted = numeric ? target : realPath(target);
        for (JsonNode s : shares) {
            if (numeric
                    ? s.path("id").asText().equals(wanted)
                    : s.path("dir").asText().equals(wanted)) {
                return s;
            }
        }
        throw new CliException(
                ExitCodes.FAILED,
                (numeric ? "there is no share with id " : "this folder is not shared: ") + wanted
                        + " (see 'servent shares')");
    }

    private static String realPath(String text) {
        Path path = Path.of(text.startsWith("~/") ? System.getProperty("user.home") + text.substring(1) : text)
                .toAbsolutePath()
                .normalize();
        try {
            return path.toRealPath().toString();
        } catch (IOException e) {
            return path.toString(); // the folder may be gone; the share still names it
        }
    }
}
