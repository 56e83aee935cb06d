package io.servent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The demo's file-sharing steps as one peer's API client sees them (the files REST contract):
 * a search whose results are polled from {@code GET /searches/{id}}, and a download whose progress
 * is polled from {@code GET /downloads/{id}} and drawn as a progress bar. Builds without those
 * routes answer 404; then the step says so and returns. Use from one thread.
 */
final class DemoFiles {
    static final Duration CALL = Duration.ofSeconds(30);
    static final Duration POLL = Duration.ofMillis(250);
    private static final int MAX_RESULTS_SHOWN = 4;

    private final ApiClient api;
    private final DemoNarrator say;
    private final Duration searchWait;
    private final Duration downloadWait;
    private final Map<String, String> cids = new java.util.HashMap<>();

    DemoFiles(ApiClient api, DemoNarrator say, Duration searchWait, Duration downloadWait) {
        this.api = api;
        this.say = say;
        this.searchWait = searchWait;
        this.downloadWait = downloadWait;
    }

    /**
     * Runs one search and prints its best results; false when this build has no search at all.
     * {@code noResults} explains an empty answer.
     */
    boolean search(String mode, String words, String meaning, String noResults) throws CliException {
        ApiClient.Response created = api.postIfPresent("searches", Map.of("words", words, "mode", mode), CALL);
        if (created == null) {
            say.line("search is not available in this build");
            return false;
        }
        String id = created.json().path("id").asText();
        say.line("\"" + words + "\" (" + mode + ": " + meaning + ")");
        JsonNode search = awaitSearch(id);
        JsonNode results = search.path("results");
        if (results.isEmpty()) {
            say.line("   " + ("done".equals(search.path("state").asText()) ? "no results" : noResults));
        }
        int shown = 0;
        for (JsonNode r : results) {
            String name = r.path("name").asText();
            cids.putIfAbsent(baseName(name), r.path("cid").asText());
            if (shown++ < MAX_RESULTS_SHOWN) {
                int sources = DemoCommand.count(r.get("sources"));
                say.line(String.format(
                        "   %-30s %9s  %d source%s",
                        baseName(name), DemoCommand.size(r.path("size").asLong()), sources, sources == 1 ? "" : "s"));
            }
        }
        if (results.size() > MAX_RESULTS_SHOWN) {
            say.line("   … and " + (results.size() - MAX_RESULTS_SHOWN) + " more");
        }
        return true;
    }

    /** The CID a search found for a file called {@code name} (in any folder). */
    @Nullable
    String foundCid(String name) {
        return cids.get(name);
    }

    static String baseName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** Polls a search until it is done (or the wait is over) and returns it with its results so far. */
    private JsonNode awaitSearch(String id) throws CliException {
        long deadline = System.nanoTime() + searchWait.toNanos();
        JsonNode search = api.get("searches/" + id, CALL).json();
        while (!"done".equals(search.path("state").asText()) && System.nanoTime() < deadline) {
            pause();
            search = api.get("searches/" + id, CALL).json();
        }
        return search;
    }

    /**
     * Downloads {@code cid} into {@code dir} with a live progress bar, then checks the copy against
     * {@code original}. Prints what happened; returns whether a verified copy arrived.
     */
    boolean download(String cid, String name, Path dir, long size, Path original) throws CliException {
        ApiClient.Response created =
                api.postIfPresent("downloads", Map.of("cid", cid, "name", name, "dir", dir.toString()), CALL);
        if (created == null) {
            say.line("downloads are not available in this build");
            return false;
        }
        String id = created.json().path("id").asText();
        long started = System.nanoTime();
        long deadline = started + downloadWait.toNanos();
        JsonNode d = created.json();
        int maxSources = 0;
        try {
            while (true) {
                // The peers blocks come from right now, else the peers known to have the file.
                int active = DemoCommand.count(d.get("peers"));
                int sources = active > 0 ? active : DemoCommand.count(d.get("sources"));
                maxSources = Math.max(maxSources, sources);
                JsonNode eta = d.path("etaSeconds");
                say.progress(
                        d.path("bytesDone").asLong(),
                        d.path("size").asLong(size),
                        d.path("speedBps").asDouble(),
                        eta.isNumber() ? eta.asLong() : null,
                        sources);
                String state = d.path("state").asText();
                if (state.equals("done") || state.equals("failed") || System.nanoTime() > deadline) {
                    break;
                }
                pause();
                d = api.get("downloads/" + id, CALL).json();
            }
        } finally {
            say.endProgress();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        String state = d.path("state").asText();
        switch (state) {
            case "done" -> {
                say.line("done: " + DemoCommand.size(size) + " in " + Durations.seconds(seconds) + " ("
                        + Durations.mbps(size / 1e6 / Math.max(seconds, 1e-3)) + ") from up to " + maxSources
                        + " source" + (maxSources == 1 ? "" : "s"));
                return verify(d.path("path").asText(""), original);
            }
            case "failed" -> say.line("the download failed: " + d.path("error").asText("no reason given"));
            default -> say.line("still " + state + " after " + downloadWait.toSeconds() + " s; moving on");
        }
        return false;
    }

    private boolean verify(String path, Path original) {
        if (path.isEmpty()) {
            say.line("the daemon did not say where it saved the copy");
            return false;
        }
        try {
            String got = sha256(Path.of(path));
            boolean same = got.equals(sha256(original));
            say.line(
                    same
                            ? "the copy matches the original (SHA-256 " + got.substring(0, 16) + "…)"
                            : "the copy DIFFERS from the original");
            return same;
        } catch (IOException e) {
            say.line("cannot check the copy: " + e.getMessage());
            return false;
        }
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Waits one poll interval (the daemons' state is only visible by asking again). */
    static void pause() {
        try {
            Thread.sleep(POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
