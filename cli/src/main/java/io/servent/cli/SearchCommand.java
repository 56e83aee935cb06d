package io.servent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.servent.node.ByteSize;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code servent search WORDS… [--mode …] [--type …] [--min-size SIZE]}. */
@Command(
        name = "search",
        mixinStandardHelpOptions = true,
        description = {
            "Search the network for files; results print as they arrive, numbered (merged by CID).",
            "Download one with `servent get NUMBER`."
        })
final class SearchCommand extends ClientCommand {
    private static final Duration POLL = Duration.ofMillis(250);

    @Parameters(paramLabel = "WORDS", arity = "1..*", description = "Words the file name contains.")
    @SuppressWarnings("NullAway.Init")
    List<String> words;

    @Option(names = "--mode", defaultValue = "all", description = "server, flood, dht or all (default).")
    String mode = "all";

    @Option(names = "--type", description = "audio, video, image, document or archive.")
    @Nullable
    String type;

    @Option(names = "--min-size", converter = SizeConverter.class, description = "Smallest size, e.g. 10MiB.")
    @Nullable
    Long minSize;

    @Option(
            names = "--wait",
            defaultValue = "30",
            description = "Stop waiting for more results after this many seconds (default 30).")
    int waitSeconds = 30;

    @Override
    int run(ApiClient client, PrintWriter out) throws CliException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("words", String.join(" ", words));
        body.put("mode", mode);
        if (type != null) {
            body.put("type", type);
        }
        if (minSize != null) {
            body.put("minSize", minSize);
        }
        String id = client.post("searches", body, Duration.ofSeconds(10))
                .json()
                .path("id")
                .asText();
        long deadline =
                System.nanoTime() + Duration.ofSeconds(Math.max(1, waitSeconds)).toNanos();
        Map<String, Integer> numbers = new LinkedHashMap<>();
        List<LastSearch.Entry> entries = new ArrayList<>();
        ApiClient.Response last;
        while (true) {
            last = client.get("searches/" + id, Duration.ofSeconds(10));
            for (JsonNode r : last.json().path("results")) {
                String cid = r.path("cid").asText();
                if (!numbers.containsKey(cid)) {
                    int n = numbers.size() + 1;
                    numbers.put(cid, n);
                    entries.add(new LastSearch.Entry(
                            n, cid, r.path("name").asText(), r.path("size").asLong()));
                    if (!output.json) {
                        out.printf(
                                "%3d  %-40s %10s  %-8s %d source%s  %s%n",
                                n,
                                r.path("name").asText(),
                                ByteSize.format(r.path("size").asLong()),
                                r.path("type").asText(),
                                r.path("sources").asInt(),
                                r.path("sources").asInt() == 1 ? "" : "s",
                                cid);
                        out.flush();
                    }
                }
            }
            if (last.json().path("state").asText().equals("done") || System.nanoTime() > deadline) {
                break;
            }
            pause(POLL);
        }
        try {
            LastSearch.save(data.directory(), new LastSearch.Saved(String.join(" ", words), entries));
        } catch (IOException e) {
            out.println("(cannot remember the numbering: " + e.getMessage() + ")");
        }
        if (printedJson(last, out)) {
            return ExitCodes.OK;
        }
        for (JsonNode note : last.json().path("notes")) {
            out.println("note: " + note.asText());
        }
        out.println(
                entries.isEmpty()
                        ? "nothing found"
                        : entries.size() + (entries.size() == 1 ? " result" : " results")
                                + "; download one with `servent get NUMBER`");
        return entries.isEmpty() ? ExitCodes.FAILED : ExitCodes.OK;
    }

    /** Waits between polls of the daemon (the results come from other peers; there is nothing to await locally). */
    static void pause(Duration d) throws CliException {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FAILED, "interrupted");
        }
    }
}
