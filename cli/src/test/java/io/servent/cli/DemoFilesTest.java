package io.servent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.servent.node.DataDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's search and download steps against a stand-in daemon that answers as the files REST
 * contract says, and against one without those routes (404).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DemoFilesTest {
    private static final String TOKEN = "demo-test-token";

    @TempDir
    Path temp;

    private final StringWriter text = new StringWriter();
    private final DemoNarrator say = new DemoNarrator(new PrintWriter(text), false);
    private final Map<String, String> routes = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger polls = new AtomicInteger();
    private @org.jspecify.annotations.Nullable HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void searchesPollResultsAndDownloadsShowProgressUntilAVerifiedCopy() throws Exception {
        Path original = temp.resolve("original.bin");
        Files.write(original, new byte[300_000]);
        Path copy = temp.resolve("copy.bin");
        Files.copy(original, copy);
        String film = "{\"cid\":\"bafyfilm\",\"name\":\"shared/servent-demo-film.mkv\",\"names\":[],\"size\":300000,"
                + "\"type\":\"video\",\"sources\":3,\"score\":1,\"modes\":[\"dht\"]}";
        routes.put("POST /api/v1/searches", "201 {\"id\":\"s1\"}");
        routes.put("GET /api/v1/searches/s1", "poll");
        routes.put("POST /api/v1/downloads", "201 " + download("queued", 0, copy));
        routes.put("GET /api/v1/downloads/d1", "poll");
        DemoFiles files = new DemoFiles(api(), say, Duration.ofSeconds(10), Duration.ofSeconds(10));
        pollAnswers = List.of(
                "200 {\"id\":\"s1\",\"query\":\"film\",\"mode\":\"dht\",\"state\":\"running\",\"results\":[]}",
                "200 {\"id\":\"s1\",\"query\":\"film\",\"mode\":\"dht\",\"state\":\"done\",\"results\":[" + film
                        + "]}");

        assertThat(files.search("dht", "film", "DHT keyword lookup", "nothing")).isTrue();
        assertThat(files.foundCid("servent-demo-film.mkv")).isEqualTo("bafyfilm");
        assertThat(requests).anySatisfy(r -> assertThat(r)
                .startsWith("POST /api/v1/searches")
                .contains("\"words\":\"film\"")
                .contains("\"mode\":\"dht\""));

        polls.set(0);
        pollAnswers = List.of(
                "200 " + download("running", 100_000, copy),
                "200 " + download("running", 200_000, copy),
                "200 " + download("done", 300_000, copy));
        assertThat(files.download("bafyfilm", "servent-demo-film.mkv", temp.resolve("in"), 300_000, original))
                .isTrue();
        assertThat(requests).anySatisfy(r -> assertThat(r)
                .startsWith("POST /api/v1/downloads")
                .contains("\"cid\":\"bafyfilm\"")
                .contains("\"dir\":"));
        assertThat(text.toString())
                .contains("\"film\" (dht: DHT keyword lookup)")
                .containsPattern("servent-demo-film.mkv +293.0 KiB  3 sources")
                .contains("  0%")
                .contains("100%")
                .contains("ETA 2 s  3 sources")
                .contains("from up to 3 sources")
                .contains("the copy matches the original");
    }

    @Test
    void aBuildWithoutTheRoutesSaysSoAndGoesOn() throws Exception {
        DemoFiles files = new DemoFiles(api(), say, Duration.ofSeconds(1), Duration.ofSeconds(1));
        assertThat(files.search("flood", "ocean", "flooded", "nothing")).isFalse();
        assertThat(files.download("bafy", "x", temp, 1, temp.resolve("x"))).isFalse();
        assertThat(text.toString())
                .contains("search is not available in this build")
                .contains("downloads are not available in this build");
    }

    private volatile List<String> pollAnswers = List.of();

    private static String download(String state, long done, Path path) {
        return "{\"id\":\"d1\",\"cid\":\"bafyfilm\",\"name\":\"servent-demo-film.mkv\",\"size\":300000,\"bytesDone\":"
                + done + ",\"state\":\"" + state + "\",\"speedBps\":100000,\"etaSeconds\":2,\"sources\":3,"
                + "\"peers\":3,\"error\":null,\"path\":" + (state.equals("done") ? "\"" + path + "\"" : "null") + "}";
    }

    /** Starts the stand-in daemon and an {@link ApiClient} that finds it through daemon.json. */
    private ApiClient api() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.server = server;
        server.createContext("/", this::answer);
        server.start();
        Path data = temp.resolve("data");
        Files.createDirectories(data);
        Files.writeString(data.resolve(DataDirectory.TOKEN_FILE), TOKEN + "\n");
        Files.writeString(
                data.resolve("daemon.json"),
                "{\"pid\":" + ProcessHandle.current().pid() + ",\"apiUrl\":\"http://127.0.0.1:"
                        + server.getAddress().getPort() + "\",\"peerId\":\"x\",\"addresses\":[],\"version\":\"t\"}");
        return ApiClient.forDirectory(DataDirectory.at(data));
    }

    private void answer(HttpExchange exchange) throws IOException {
        String key =
                exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
        requests.add(key + " " + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String answer = routes.getOrDefault(key, "404 {\"error\":\"no such route\"}");
        if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            answer = "401 {\"error\":\"no token\"}";
        } else if (answer.equals("poll")) {
            List<String> answers = pollAnswers;
            answer = answers.get(Math.min(polls.getAndIncrement(), answers.size() - 1));
        }
        int space = answer.indexOf(' ');
        byte[] body = answer.substring(space + 1).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(Integer.parseInt(answer.substring(0, space)), body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }
}
