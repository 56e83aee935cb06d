package io.servent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.servent.node.DataDirectory;
import io.servent.node.RuntimeInfo;
import io.servent.p2p.testing.Await;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The swarming test with real processes: 4 seeder daemons share one 200 MiB file, a fifth
 * daemon downloads it from all of them, one seeder is killed with SIGKILL mid-way after it has
 * served part of the file, and the download still completes with identical bytes from the others.
 * What each seeder served is read from its own {@code /metrics} (stream bytes of the block protocol).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SwarmProcessesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SIZE = 200L << 20;
    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final long BLOCK = 1L << 20;
    /** Endgame copies the seeders may have sent but the downloader not read when it finished. */
    private static final long UNREAD_AT_END = 16 * BLOCK;

    private static final String BLOCKS_OUT =
            "servent_protocol_bytes_total{direction=\"out\",protocol=\"/servent/blocks/1.0.0\"}";

    private final List<ServentJar.Daemon> daemons = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (ServentJar.Daemon d : daemons.reversed()) {
            d.close();
        }
    }

    @Test
    void twoHundredMibFromFourSeedersOneKilledMidwayArrivesIdentical(@TempDir Path temp) throws Exception {
        Path shared = Files.createDirectories(temp.resolve("shared"));
        Path file = shared.resolve("swarm film.mkv");
        String sha256 = writeRandom(file, SIZE);

        List<ServentJar.Daemon> seeders = new ArrayList<>();
        @Nullable String hubAddress = null;
        for (int i = 0; i < 4; i++) {
            List<String> boot = hubAddress == null ? List.of() : List.of("--bootstrap", hubAddress);
            ServentJar.Daemon d = start(temp.resolve("seed" + i), temp, boot);
            seeders.add(d);
            if (hubAddress == null) {
                hubAddress = api(d, "GET", "id", null).get("addresses").get(0).asText();
            }
            api(d, "POST", "shares", Map.of("dir", shared.toString()));
        }
        ServentJar.Daemon downloader = start(temp.resolve("get"), temp, List.of("--bootstrap", hubAddress));
        for (ServentJar.Daemon s : seeders) {
            Await.until(WAIT, () -> published(s), s.data + " published its share");
        }

        // Search until all four seeders are counted as sources, then download by CID.
        @Nullable JsonNode[] hit = new JsonNode[1];
        Await.until(
                WAIT,
                () -> {
                    hit[0] = searchResult(downloader, "swarm film", "swarm film.mkv");
                    return hit[0] != null && hit[0].get("sources").asInt() >= 4;
                },
                "the downloader sees 4 sources");
        Path into = Files.createDirectories(temp.resolve("into"));
        JsonNode created = api(
                downloader,
                "POST",
                "downloads",
                Map.of("cid", hit[0].get("cid").asText(), "name", "swarm film.mkv", "dir", into.toString()));
        String id = created.get("id").asText();

        // Kill a seeder (SIGKILL: no goodbye) once the download is part way and it has served some.
        ServentJar.Daemon victim = seeders.get(1);
        long[] victimServed = new long[1];
        Await.until(
                WAIT,
                () -> {
                    long done = api(downloader, "GET", "downloads/" + id, null)
                            .get("bytesDone")
                            .asLong();
                    victimServed[0] = metric(victim, BLOCKS_OUT);
                    return done >= SIZE / 5 && victimServed[0] >= 4L << 20;
                },
                "the download is a fifth done and the victim has served 4 MiB");
        long doneAtKill =
                api(downloader, "GET", "downloads/" + id, null).get("bytesDone").asLong();
        assertThat(doneAtKill).as("killed before the end").isLessThan(SIZE * 4 / 5);
        victim.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

        JsonNode[] last = new JsonNode[1];
        Await.until(
                WAIT,
                () -> {
                    last[0] = api(downloader, "GET", "downloads/" + id, null);
                    return List.of("done", "failed")
                            .contains(last[0].get("state").asText());
                },
                "the download ends");
        assertThat(last[0].get("state").asText()).as(last[0].toString()).isEqualTo("done");
        assertThat(sha256(into.resolve("swarm film.mkv"))).isEqualTo(sha256);

        long othersServed = 0;
        for (ServentJar.Daemon s : seeders) {
            if (s != victim) {
                othersServed += metric(s, BLOCKS_OUT);
            }
        }
        assertThat(victimServed[0])
                .as("the killed seeder served part of the file first")
                .isPositive();
        // Everything after the kill came from the others (a few blocks may have been in flight from the
        // victim between the last progress read and the kill).
        assertThat(othersServed)
                .as("the surviving seeders served the rest")
                .isGreaterThanOrEqualTo(SIZE - doneAtKill - (16L << 20));
    }

    @Test
    void aDownloaderKilledMidwayResumesWithoutFetchingAPersistedBlockAgain(@TempDir Path temp) throws Exception {
        long size = 120L << 20;
        Path shared = Files.createDirectories(temp.resolve("shared"));
        String sha256 = writeRandom(shared.resolve("resumed album.flac"), size);
        List<ServentJar.Daemon> seeders = new ArrayList<>();
        @Nullable String hub = null;
        for (int i = 0; i < 2; i++) {
            ServentJar.Daemon d =
                    start(temp.resolve("seed" + i), temp, hub == null ? List.of() : List.of("--bootstrap", hub));
            seeders.add(d);
            if (hub == null) {
                hub = api(d, "GET", "id", null).get("addresses").get(0).asText();
            }
            api(d, "POST", "shares", Map.of("dir", shared.toString()));
        }
        for (ServentJar.Daemon s : seeders) {
            Await.until(WAIT, () -> published(s), s.data + " published its share");
        }
        // 30 MiB/s: the download takes about four seconds, long enough to be killed part way.
        Path data = temp.resolve("get");
        List<String> boot = List.of("--bootstrap", hub);
        ServentJar.Daemon downloader = start(data, temp, boot, "[files]\nmax_download_rate = \"30MiB\"\n");
        @Nullable JsonNode[] hit = new JsonNode[1];
        Await.until(
                WAIT,
                () -> {
                    hit[0] = searchResult(downloader, "resumed album", "resumed album.flac");
                    return hit[0] != null;
                },
                "the downloader finds the file");
        Path into = Files.createDirectories(temp.resolve("into"));
        String cid = hit[0].get("cid").asText();
        api(downloader, "POST", "downloads", Map.of("cid", cid, "name", "resumed album.flac", "dir", into.toString()));

        // SIGKILL once a third of the leaves are durably recorded as verified.
        Path db = data.resolve("files.db");
        Await.until(WAIT, () -> persisted(db) >= size / 3, "a third of the file persisted");
        downloader.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        long persistedAtKill = persisted(db);
        assertThat(persistedAtKill).as("killed before the end").isLessThan(size);
        // The seeders' counters settle once they notice the connection is gone.
        long[] settled = {-1};
        Await.until(
                Duration.ofSeconds(30),
                () -> {
                    long now = served(seeders);
                    boolean same = now == settled[0];
                    settled[0] = now;
                    if (!same) {
                        sleepQuietly(Duration.ofMillis(500));
                    }
                    return same;
                },
                "the seeders' served bytes to settle after the kill");
        long servedBefore = settled[0];

        List<String> verbose = new ArrayList<>(boot);
        verbose.addAll(List.of("--log-level", "info")); // its "finished" line counts duplicate blocks
        ServentJar.Daemon restarted = start(data, temp, verbose, "[files]\nmax_download_rate = \"30MiB\"\n");
        JsonNode[] last = new JsonNode[1];
        Await.until(
                WAIT,
                () -> {
                    JsonNode list = api(restarted, "GET", "downloads", null);
                    last[0] = list.isEmpty() ? null : list.get(0);
                    return last[0] != null
                            && List.of("done", "failed")
                                    .contains(last[0].get("state").asText());
                },
                "the resumed download ends");
        assertThat(last[0].get("state").asText()).as(last[0].toString()).isEqualTo("done");
        assertThat(sha256(into.resolve("resumed album.flac"))).isEqualTo(sha256);
        // The download resumed rather than restarted. Counted by the downloader: the leaves it took
        // from peers this run are at most those not recorded as done at the kill (fewer when the
        // restart found some intact in the partial file). A leaf recorded as done is never asked
        // for again: SwarmSchedulerTest proves it to the leaf, DownloadsTest the in-place recheck.
        String finished = restarted
                .stderr()
                .lines()
                .filter(l -> l.contains("finished"))
                .findFirst()
                .orElse("(no finished line)");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "(\\d+) duplicate blocks, blocks per peer \\[([0-9, ]*)\\]")
                .matcher(finished);
        assertThat(m.find()).as(finished).isTrue();
        long duplicateBytes = Long.parseLong(m.group(1)) * BLOCK;
        long taken = java.util.Arrays.stream(m.group(2).split(",\\s*"))
                .filter(t -> !t.isBlank())
                .mapToLong(Long::parseLong)
                .sum();
        long unrecordedLeaves = (size - persistedAtKill) / BLOCK;
        // Counted by the seeders: the same, plus the endgame's duplicates the downloader read, plus
        // those it never read: copies of the last leaves the seeders had sent when the first copy
        // arrived (measured: 7 to 9 MiB with two seeders; a yamux window each, and the rate limit).
        long extra = served(seeders) - servedBefore - (size - persistedAtKill);
        System.out.printf(
                "resume: %d of %d leaves recorded at the kill; %d taken from peers after the restart;"
                        + " seeders served %d bytes beyond the rest, %d in duplicates read%n",
                persistedAtKill / BLOCK, size / BLOCK, taken, extra, duplicateBytes);
        assertThat(persistedAtKill).as("persisted before the kill").isGreaterThan(32L << 20);
        assertThat(taken).as(finished).isPositive().isLessThanOrEqualTo(unrecordedLeaves);
        assertThat(extra)
                .as("bytes served after the restart beyond the unrecorded rest; the daemon said: %s", finished)
                .isLessThanOrEqualTo(duplicateBytes + UNREAD_AT_END);
    }

    private static long served(List<ServentJar.Daemon> seeders) {
        long sum = 0;
        for (ServentJar.Daemon s : seeders) {
            sum += metric(s, BLOCKS_OUT);
        }
        return sum;
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Bytes of leaves the downloader's database records as verified and written (all downloads). */
    private static long persisted(Path db) {
        if (!Files.exists(db)) {
            return 0;
        }
        java.util.Properties props = new java.util.Properties();
        props.setProperty("busy_timeout", "5000");
        props.setProperty("open_mode", "1"); // read-only
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db, props);
                java.sql.Statement st = c.createStatement();
                java.sql.ResultSet rs =
                        st.executeQuery("SELECT COALESCE(SUM(length), 0) FROM download_blocks WHERE done = 1")) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (java.sql.SQLException e) {
            return 0; // not created yet, or busy: ask again
        }
    }

    private ServentJar.Daemon start(Path data, Path work, List<String> extra) throws Exception {
        return start(data, work, extra, "");
    }

    private ServentJar.Daemon start(Path data, Path work, List<String> extra, String toml) throws Exception {
        Files.createDirectories(data);
        Files.writeString(data.resolve("servent.toml"), """
                [autonat]
                force_reachability = "public"
                """ + toml);
        ServentJar.Daemon d = ServentJar.Daemon.start(data, work, extra);
        daemons.add(d);
        return d;
    }

    private static String writeRandom(Path file, long size) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        Random random = new Random(200);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk);
                sha.update(chunk);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static boolean published(ServentJar.Daemon d) {
        JsonNode p = api(d, "GET", "files/status", null).get("publication");
        return !p.get("pending").asBoolean()
                && p.get("files").asInt() >= 1
                && p.get("dhtRecords").asInt() > 0;
    }

    /** Searches every mode for {@code words}; the result for the file named {@code name}, if any. */
    private static @Nullable JsonNode searchResult(ServentJar.Daemon d, String words, String name) {
        String id = api(d, "POST", "searches", Map.of("words", words, "mode", "all"))
                .get("id")
                .asText();
        JsonNode[] search = new JsonNode[1];
        Await.until(
                WAIT,
                () -> {
                    search[0] = api(d, "GET", "searches/" + id, null);
                    return search[0].get("state").asText().equals("done");
                },
                "the search ends");
        for (JsonNode r : search[0].get("results")) {
            if (r.get("name").asText().endsWith(name)) {
                return r;
            }
        }
        return null;
    }

    /** One call to the daemon's API (under /api/v1), with its token; a failed call is an AssertionError. */
    private static JsonNode api(ServentJar.Daemon d, String method, String path, @Nullable Object body) {
        try {
            HttpResponse<String> r = send(d, "/api/v1/" + path, method, body);
            assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isBetween(200, 299);
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        }
    }

    /** A counter from the daemon's Prometheus metrics (0 if it has not been registered yet). */
    private static long metric(ServentJar.Daemon d, String series) {
        try {
            String text = send(d, "/metrics", "GET", null).body();
            return text.lines()
                    .filter(l -> l.startsWith(series + " "))
                    .mapToLong(l -> (long) Double.parseDouble(l.substring(series.length() + 1)))
                    .sum();
        } catch (IOException e) {
            throw new AssertionError("reading /metrics failed: " + e, e);
        }
    }

    private static HttpResponse<String> send(ServentJar.Daemon d, String path, String method, @Nullable Object body)
            throws IOException {
        DataDirectory dir = DataDirectory.at(d.data);
        RuntimeInfo runtime = dir.readRuntimeInfo().orElseThrow();
        String token = dir.readToken().orElseThrow().value();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(runtime.apiUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
