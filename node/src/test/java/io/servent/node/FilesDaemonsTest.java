package io.servent.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.autonat.Reachability;
import io.servent.p2p.testing.Await;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Search and downloads across 11 real daemons on 127.0.0.1: d0 runs the index server, d1 and d2
 * are flooding super-peers, the rest leaves; every daemon runs the DHT. Files are shared through
 * the API; searches and downloads go through the contract's routes.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FilesDaemonsTest {
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final int N = 11;
    private final List<Daemon> daemons = new ArrayList<>();
    private byte[] song = new byte[0];
    private byte[] movie = new byte[0];
    private Path temp = Path.of("");

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        temp = dir;
        Daemon index = Daemon.start(
                dir.resolve("d0"),
                c -> config(c, List.of(), f -> f.withIndexServer(true).withSuperPeer(FilesConfig.SuperPeer.NEVER)));
        daemons.add(index);
        Multiaddr indexAddr = index.addresses().get(0);
        for (int i = 1; i < N; i++) {
            List<Multiaddr> boot = new ArrayList<>(List.of(indexAddr));
            for (int s = 1; s < Math.min(i, 3); s++) {
                boot.add(daemons.get(s).addresses().get(0));
            }
            FilesConfig.SuperPeer role = i <= 2 ? FilesConfig.SuperPeer.ALWAYS : FilesConfig.SuperPeer.NEVER;
            daemons.add(Daemon.start(
                    dir.resolve("d" + i),
                    c -> config(c, boot, f -> f.withSuperPeer(role).withIndexServers(List.of(indexAddr)))));
        }
        Random random = new Random(7);
        song = new byte[3 * 1024 * 1024 + 12345];
        random.nextBytes(song);
        movie = new byte[24 * 1024 * 1024];
        random.nextBytes(movie);
        for (int i = 5; i <= 7; i++) {
            share(i, "everyone", Map.of("zebra melody.mp3", song), List.of("everyone"));
        }
        share(6, "big", Map.of("quokka holiday.mkv", movie), List.of("everyone"));
        share(8, "private", Map.of("walrus secret plans.txt", "only for d9".getBytes()), List.of("peer:" + peer(9)));
        for (int i : new int[] {5, 6, 7, 8}) {
            Daemon d = daemons.get(i);
            Await.until(WAIT, () -> indexed(d), d + " indexed its shares");
        }
    }

    private static NodeConfig config(NodeConfig c, List<Multiaddr> boot, UnaryOperator<FilesConfig> files) {
        return ControlApiTest.loopback(c, s -> s.withBootstrap(boot).withForceReachability(Reachability.PUBLIC))
                .withFiles(files.apply(c.files()));
    }

    @AfterAll
    void stop() {
        for (Daemon d : daemons.reversed()) {
            d.close();
        }
    }

    private String peer(int i) {
        return daemons.get(i).host().peerId().toString();
    }

    private void share(int i, String folder, Map<String, byte[]> contents, List<String> to) throws Exception {
        Path dir = temp.resolve("shared-" + i + "-" + folder);
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> e : contents.entrySet()) {
            Files.write(dir.resolve(e.getKey()), e.getValue());
        }
        created(daemons.get(i), "shares", Map.of("dir", dir.toString(), "to", to));
    }

    private static boolean indexed(Daemon d) {
        try {
            JsonNode shares = ApiCalls.get(d, "shares");
            for (JsonNode s : shares) {
                if (s.get("files").asLong() == 0
                        || s.get("indexing").get("scanning").asBoolean()) {
                    return false;
                }
            }
            return !shares.isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    private static JsonNode created(Daemon d, String path, Object body) throws Exception {
        HttpResponse<String> r = ApiCalls.call(d, "POST", path, ApiCalls.JSON.writeValueAsString(body));
        assertThat(r.statusCode()).as("POST " + path + ": " + r.body()).isEqualTo(201);
        return ApiCalls.JSON.readTree(r.body());
    }

    /** Runs a search to its end and returns its results. */
    private static JsonNode search(Daemon d, String words, String mode) throws Exception {
        String id = created(d, "searches", Map.of("words", words, "mode", mode))
                .get("id")
                .asText();
        JsonNode[] last = new JsonNode[1];
        Await.until(
                WAIT,
                () -> {
                    try {
                        last[0] = ApiCalls.get(d, "searches/" + id);
                        return last[0].get("state").asText().equals("done");
                    } catch (Exception e) {
                        return false;
                    }
                },
                "search " + words + " by " + mode + " finishes");
        return last[0].get("results");
    }

    private static @Nullable JsonNode find(JsonNode results, String name) {
        for (JsonNode r : results) {
            if (r.get("name").asText().contains(name)) {
                return r;
            }
        }
        return null;
    }

    /** Searches until {@code name} is found (publication is asynchronous); returns its result. */
    private static JsonNode searchUntilFound(Daemon d, String words, String mode, String name) {
        JsonNode[] found = new JsonNode[1];
        Await.until(
                WAIT,
                () -> {
                    try {
                        found[0] = find(search(d, words, mode), name);
                        return found[0] != null;
                    } catch (Exception e) {
                        return false;
                    }
                },
                d + " finds " + name + " by " + mode);
        return found[0];
    }

    @Test
    @Order(0)
    void aNewShareIsPublishedWithinSecondsAndTheFirstSearchInEachModeFindsIt() throws Exception {
        Daemon sharer = daemons.get(9);
        long start = System.nanoTime();
        share(9, "lullabies", Map.of("narwhal lullaby.flac", "a quiet song".getBytes()), List.of("everyone"));
        Await.until(WAIT, () -> indexed(sharer), "d9 indexed its share");
        JsonNode[] publication = new JsonNode[1];
        Await.until(
                Duration.ofSeconds(10),
                () -> {
                    try {
                        publication[0] = ApiCalls.get(sharer, "files/status").get("publication");
                    } catch (Exception e) {
                        return false;
                    }
                    return !publication[0].get("pending").asBoolean()
                            && publication[0].get("files").asInt() >= 1;
                },
                "d9 published its new share");
        long publishedMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(publishedMillis).as("share to published, ms").isLessThan(8_000);
        assertThat(publication[0].get("indexServers").asInt()).isEqualTo(1);
        assertThat(publication[0].get("indexServersReached").asInt()).isEqualTo(1);
        assertThat(publication[0].get("dhtRecords").asInt()).isGreaterThanOrEqualTo(3); // 2 words and the root
        assertThat(publication[0].get("error").isNull()).isTrue();
        JsonNode status = ApiCalls.get(sharer, "files/status");
        assertThat(status.get("floodRole").asText()).isEqualTo("leaf");
        assertThat(status.get("superPeers")).isNotEmpty();
        assertThat(ApiCalls.get(daemons.get(1), "files/status").get("floodRole").asText())
                .isEqualTo("super-peer");
        // Once published, the very first search finds it, in every mode: no retrying.
        for (String mode : List.of("server", "flood", "dht")) {
            assertThat(find(search(daemons.get(10), "narwhal", mode), "narwhal lullaby.flac"))
                    .as("the first %s search for the new file", mode)
                    .isNotNull();
        }
    }

    @Test
    @Order(1)
    void eachModeFindsAFileSharedByAnotherDaemon() {
        for (String mode : List.of("server", "flood", "dht")) {
            JsonNode r = searchUntilFound(daemons.get(10), "zebra", mode, "zebra melody.mp3");
            assertThat(r.get("modes").toString()).contains(mode);
            assertThat(r.get("size").asLong()).isEqualTo(song.length);
            assertThat(r.get("type").asText()).isEqualTo("audio");
        }
        JsonNode all = searchUntilFound(daemons.get(4), "zebra melody", "all", "zebra melody.mp3");
        Await.until(WAIT, () -> all.get("sources").asInt() >= 1, "sources counted");
    }

    @Test
    @Order(2)
    void accessListedFileIsInvisibleToAPeerNotListed() throws Exception {
        searchUntilFound(daemons.get(10), "zebra", "all", "zebra");
        JsonNode results = search(daemons.get(10), "walrus", "all");
        assertThat(find(results, "walrus")).isNull();
        JsonNode explain = ApiCalls.get(
                daemons.get(10),
                "explain/"
                        + searchUntilFound(daemons.get(10), "zebra", "all", "zebra")
                                .get("cid")
                                .asText());
        assertThat(explain.get("modes").size()).isEqualTo(3);
        assertThat(explain.get("providers").size()).isGreaterThanOrEqualTo(1);
    }

    @Test
    @Order(3)
    void downloadFromThreeSourcesCompletesWithTheSameBytes() throws Exception {
        Daemon d = daemons.get(10);
        JsonNode hit = searchUntilFound(d, "zebra", "all", "zebra melody.mp3");
        Await.until(
                WAIT,
                () -> {
                    try {
                        JsonNode r = find(search(d, "zebra", "all"), "zebra melody.mp3");
                        return r != null && r.get("sources").asInt() >= 3;
                    } catch (Exception e) {
                        return false;
                    }
                },
                "three sources seen");
        List<JsonNode> hitEvents = new ArrayList<>();
        List<JsonNode> doneEvents = new ArrayList<>();
        List<JsonNode> downloadEvents = new ArrayList<>();
        List<Long> downloadEventNanos = new ArrayList<>();
        JsonNode created;
        try (EventBus.Subscription events = d.events().subscribe()) {
            String searchId = created(d, "searches", Map.of("words", "zebra", "mode", "all"))
                    .get("id")
                    .asText();
            created = created(d, "downloads", Map.of("cid", hit.get("cid").asText()));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline
                    && (doneEvents.isEmpty()
                            || downloadEvents.isEmpty()
                            || !downloadEvents.getLast().get("state").asText().equals("done"))) {
                var e = events.next(Duration.ofSeconds(1));
                if (e.isEmpty()) {
                    continue;
                }
                JsonNode data = ApiCalls.JSON.readTree(e.get().json());
                switch (e.get().type()) {
                    case "search-hit" -> {
                        if (data.get("searchId").asText().equals(searchId)) {
                            hitEvents.add(data);
                        }
                    }
                    case "search-done" -> {
                        if (data.get("searchId").asText().equals(searchId)) {
                            doneEvents.add(data);
                        }
                    }
                    case "download" -> {
                        if (data.get("id").asLong() == created.get("id").asLong()) {
                            downloadEvents.add(data);
                            downloadEventNanos.add(System.nanoTime());
                        }
                    }
                    default -> {}
                }
            }
        }
        assertThat(hitEvents).isNotEmpty();
        assertThat(hitEvents.get(0).get("result").get("cid").asText())
                .isEqualTo(hit.get("cid").asText());
        assertThat(doneEvents).hasSize(1);
        assertThat(downloadEvents).isNotEmpty();
        assertThat(downloadEvents.getLast().get("state").asText()).isEqualTo("done");
        for (int i = 3; i < downloadEventNanos.size(); i++) {
            // at most 2 progress events a second, plus state changes (queued, running, done)
            assertThat(downloadEventNanos.get(i) - downloadEventNanos.get(i - 3))
                    .as("download events %s", downloadEvents)
                    .isGreaterThan(TimeUnit.MILLISECONDS.toNanos(500));
        }
        long id = created.get("id").asLong();
        JsonNode done = awaitState(d, id, "done");
        assertThat(done.get("bytesDone").asLong()).isEqualTo(song.length);
        assertThat(done.get("sources").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(Files.readAllBytes(Path.of(done.get("path").asText()))).isEqualTo(song);
        assertThat(ApiCalls.get(d, "downloads").toString())
                .contains(hit.get("cid").asText());
    }

    @Test
    @Order(4)
    void pauseResumeAndCancelThroughTheApi() throws Exception {
        Daemon d = daemons.get(9);
        JsonNode hit = searchUntilFound(d, "quokka", "all", "quokka holiday.mkv");
        long id = created(d, "downloads", Map.of("cid", hit.get("cid").asText()))
                .get("id")
                .asLong();
        JsonNode paused = ApiCalls.post(d, "downloads/" + id + "/pause", Map.of());
        assertThat(paused.get("state").asText()).isEqualTo("paused");
        assertThat(ApiCalls.get(d, "downloads/" + id).get("state").asText()).isEqualTo("paused");
        JsonNode resumed = ApiCalls.post(d, "downloads/" + id + "/resume", Map.of());
        assertThat(resumed.get("state").asText()).isIn("queued", "running", "done");
        JsonNode done = awaitState(d, id, "done");
        assertThat(Files.readAllBytes(Path.of(done.get("path").asText()))).isEqualTo(movie);

        long second = created(d, "downloads", Map.of("cid", hit.get("cid").asText(), "name", "copy.mkv"))
                .get("id")
                .asLong();
        HttpResponse<String> cancel = ApiCalls.call(d, "DELETE", "downloads/" + second, "");
        assertThat(cancel.statusCode()).isEqualTo(204);
        ApiCalls.error(d, "GET", "downloads/" + second, "", 404);
        ApiCalls.error(d, "POST", "downloads/x/pause", "", 400);
        ApiCalls.error(d, "POST", "downloads", Map.of("cid", "not-a-cid"), 400);
    }

    @Test
    @Order(5)
    void serverSearchStillFindsFilesAfterTheIndexServerCloses() {
        daemons.get(0).close();
        JsonNode r = searchUntilFound(daemons.get(10), "zebra", "server", "zebra melody.mp3");
        assertThat(r.get("cid").asText()).isNotEmpty();
    }

    private static JsonNode awaitState(Daemon d, long id, String state) {
        JsonNode[] last = new JsonNode[1];
        Await.until(
                WAIT,
                () -> {
                    try {
                        last[0] = ApiCalls.get(d, "downloads/" + id);
                        return last[0].get("state").asText().equals(state);
                    } catch (Exception e) {
                        return false;
                    }
                },
                "download " + id + " is " + state);
        return last[0];
    }
}
