package io.servent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.servent.node.ByteSize;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code servent get CID|RESULT_NO [-o DIR]}. */
@Command(
        name = "get",
        mixinStandardHelpOptions = true,
        description = {
            "Download a file by CID, or by its number in the last `servent search`, and show progress.",
            "Ctrl-C leaves the download running in the daemon (see `servent downloads`)."
        })
final class GetCommand extends ClientCommand {
    private static final Duration POLL = Duration.ofMillis(500);
    private static final int BAR = 30;

    @Parameters(paramLabel = "CID|RESULT_NO", description = "A root CID or a result number from the last search.")
    @SuppressWarnings("NullAway.Init")
    String what;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "DIR",
            description = "Folder to save into (default: [files].download_dir).")
    @Nullable
    Path dir;

    @Override
    int run(ApiClient client, PrintWriter out) throws CliException {
        Map<String, Object> body = new LinkedHashMap<>();
        String text = what.strip();
        if (text.matches("[0-9]{1,6}")) {
            int n = Integer.parseInt(text);
            Optional<LastSearch.Saved> saved;
            try {
                saved = LastSearch.load(data.directory());
            } catch (IOException e) {
                throw new CliException(ExitCodes.FAILED, "cannot read the last search: " + e.getMessage());
            }
            LastSearch.Entry entry = saved.flatMap(s ->
                            s.results().stream().filter(e -> e.number() == n).findFirst())
                    .orElseThrow(() -> new CliException(
                            ExitCodes.USAGE,
                            "there is no result " + n + " in the last search; run `servent search WORDS` first"));
            body.put("cid", entry.cid());
            // Results name files by their share path ("share/dir/file"); save under the file's own name.
            body.put("name", entry.name().substring(entry.name().lastIndexOf('/') + 1));
        } else {
            body.put("cid", text);
        }
        if (dir != null) {
            body.put("dir", dir.toAbsolutePath().normalize().toString());
        }
        JsonNode download =
                client.post("downloads", body, Duration.ofSeconds(30)).json();
        long id = download.path("id").asLong();
        if (!output.json) {
            out.println("downloading " + download.path("name").asText() + " (download " + id
                    + "; Ctrl-C leaves it running)");
        }
        // Ctrl-C ends this command only: the daemon keeps downloading.
        Thread note = Thread.ofPlatform().unstarted(() -> {
            out.println();
            out.println("still downloading in the daemon: `servent downloads` shows it, `servent downloads cancel " + id
                    + "` stops it");
            out.flush();
        });
        Runtime.getRuntime().addShutdownHook(note);
        try {
            return follow(client, out, id);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(note);
            } catch (IllegalStateException e) {
                // shutting down already: the note runs
            }
        }
    }

    private int follow(ApiClient client, PrintWriter out, long id) throws CliException {
        ApiClient.Response last;
        while (true) {
            last = client.get("downloads/" + id, Duration.ofSeconds(10));
            JsonNode d = last.json();
            String state = d.path("state").asText();
            if (!output.json) {
                out.print("\r" + progress(d));
                out.flush();
            }
            if (state.equals("done") || state.equals("failed")) {
                break;
            }
            SearchCommand.pause(POLL);
        }
        if (printedJson(last, out)) {
            return last.json().path("state").asText().equals("done") ? ExitCodes.OK : ExitCodes.FAILED;
        }
        out.println();
        if (last.json().path("state").asText().equals("done")) {
            out.println("saved " + last.json().path("path").asText());
            return ExitCodes.OK;
        }
        out.println("failed: " + last.json().path("error").asText("unknown reason"));
        return ExitCodes.FAILED;
    }

    /** {@code [#######-------]  45%  3.2 MiB/s  ETA 0:12  3 sources}. */
    static String progress(JsonNode d) {
        long size = d.path("size").asLong();
        long done = d.path("bytesDone").asLong();
        int percent = size > 0 ? (int) Math.min(100, done * 100 / size) : 0;
        int filled = percent * BAR / 100;
        String eta =
                d.path("etaSeconds").isNumber() ? clock(d.path("etaSeconds").asLong()) : "--:--";
        return "[" + "#".repeat(filled) + "-".repeat(BAR - filled) + "] " + String.format("%3d%%", percent) + "  "
                + ByteSize.format(d.path("speedBps").asLong()) + "/s  ETA " + eta + "  "
                + d.path("sources").asInt() + " sources  " + d.path("state").asText() + "   ";
    }

    private static String clock(long seconds) {
        return seconds >= 3600
                ? String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format("%d:%02d", seconds / 60, seconds % 60);
    }
}
