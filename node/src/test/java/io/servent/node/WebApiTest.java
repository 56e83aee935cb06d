package io.servent.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The web-facing API of two in-process daemons over real HTTP: login links and the token cookie,
 * browser defences, JSON errors, live events, metrics, shares with browsing between the two, and
 * settings.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Daemon a;
    private Daemon b;
    private Path temp;
    private final HttpClient http =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        temp = dir;
        a = Daemon.start(dir.resolve("a"), ControlApiTest::loopback);
        b = Daemon.start(dir.resolve("b"), ControlApiTest::loopback);
    }

    @AfterAll
    void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    private static String token(Daemon d) throws Exception {
        return d.dataDirectory().readToken().orElseThrow().value();
    }

    private HttpResponse<String> send(Daemon d, String method, String path, String body, String... headers)
            throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(d.apiUrl() + path))
                .timeout(Duration.ofSeconds(60))
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode call(Daemon d, String method, String path, String body, int status) throws Exception {
        HttpResponse<String> response = send(d, method, path, body, "Authorization", "Bearer " + token(d));
        assertThat(response.statusCode())
                .as(method + " " + path + ": " + response.body())
                .isEqualTo(status);
        return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
    }

    @Test
    void loginLinkWorksOnceAndItsCookieAuthenticates() throws Exception {
        String url = a.loginUrl();
        String path = URI.create(url).getRawPath() + "?" + URI.create(url).getRawQuery();
        HttpResponse<String> login = send(a, "GET", path, "");
        assertThat(login.statusCode()).isEqualTo(303);
        assertThat(login.headers().firstValue("Location")).hasValue("/");
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie)
                .startsWith(ApiAccess.cookieName(URI.create(a.apiUrl()).getPort()) + "=" + token(a))
                .contains("HttpOnly")
                .containsIgnoringCase("SameSite=Strict");

        HttpResponse<String> id = send(
                a,
                "GET",
                "/api/v1/id",
                "",
                "Cookie",
                ApiAccess.cookieName(URI.create(a.apiUrl()).getPort()) + "=" + token(a));
        assertThat(id.statusCode()).isEqualTo(200);
        assertThat(send(
                                a,
                                "GET",
                                "/api/v1/id",
                                "",
                                "Cookie",
                                ApiAccess.cookieName(URI.create(a.apiUrl()).getPort()) + "=wrong")
                        .statusCode())
                .isEqualTo(401);

        HttpResponse<String> again = send(a, "GET", path, "");
        assertThat(again.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(again.body()).get("error").asText()).contains("already used");
        assertThat(send(a, "GET", "/login?token=guess", "").statusCode()).isEqualTo(401);
    }

    @Test
    void crossSiteChangesAndForeignHostsAreRefused() throws Exception {
        String bearer = "Bearer " + token(a);
        HttpResponse<String> crossOrigin =
                send(a, "POST", "/api/v1/shutdown", "{}", "Authorization", bearer, "Origin", "http://evil.example");
        assertThat(crossOrigin.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(crossOrigin.body()).get("error").asText()).contains("cross-origin");
        assertThat(send(a, "POST", "/api/v1/shutdown", "{}", "Authorization", bearer, "Sec-Fetch-Site", "cross-site")
                        .statusCode())
                .isEqualTo(403);
        assertThat(a.awaitClosed(Duration.ofMillis(100))).isFalse();
        // Same origin is fine (a settings no-op proves the request got through).
        String origin = a.apiUrl();
        assertThat(send(a, "PUT", "/api/v1/settings", "{}", "Authorization", bearer, "Origin", origin)
                        .statusCode())
                .isEqualTo(200);
        // DNS rebinding: a page at evil.example resolving to 127.0.0.1 sends Host: evil.example.
        URI uri = URI.create(a.apiUrl());
        try (Socket s = new Socket(uri.getHost(), uri.getPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("GET /api/v1/id HTTP/1.1\r\nHost: evil.example:" + uri.getPort() + "\r\nAuthorization: " + bearer
                            + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 403").contains("\"error\"").doesNotContain("peerId");
        }
        HttpResponse<String> response =
                send(a, "GET", "/api/v1/id", "", "Authorization", bearer, "Origin", "http://evil.example");
        assertThat(response.headers().map().keySet())
                .noneMatch(h -> h.toLowerCase(java.util.Locale.ROOT).startsWith("access-control"));
    }

    @Test
    void errorsAreJsonSentences() throws Exception {
        assertThat(call(a, "GET", "/api/v1/nope", "", 404).get("error").asText())
                .contains("no such API route");
        assertThat(call(a, "DELETE", "/api/v1/id", "", 405).get("error").asText())
                .contains("not allowed");
        assertThat(call(a, "POST", "/api/v1/shares", "{", 400).get("error").asText())
                .contains("not the expected JSON");
        assertThat(call(a, "DELETE", "/api/v1/shares/x", "", 400).get("error").asText())
                .contains("number");
        assertThat(call(a, "DELETE", "/api/v1/shares/999", "", 404).get("error").asText())
                .contains("no share");
        HttpResponse<String> page = send(a, "GET", "/no/such/page", "");
        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(page.body()).get("error").asText()).contains("nothing at");
    }

    @Test
    void eventsStreamPeersAndWarnings() throws Exception {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        HttpRequest request = HttpRequest.newBuilder(URI.create(a.apiUrl() + "/api/v1/events"))
                .header("Authorization", "Bearer " + token(a))
                .header("Accept", "text/event-stream")
                .build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (Exception e) {
                // closed at the end of the test
            }
        });
        try {
            awaitLine(lines, l -> l.equals("event: hello"));
            try (Daemon c = Daemon.start(temp.resolve("c"), ControlApiTest::loopback)) {
                call(
                        c,
                        "POST",
                        "/api/v1/connect",
                        "{\"address\":\"" + a.addresses().get(0) + "\"}",
                        200);
                awaitLine(lines, l -> l.equals("event: peer"));
                assertThat(awaitLine(lines, l -> l.startsWith("data:")))
                        .contains(c.host().peerId().toString())
                        .contains("\"up\"");
            }
            awaitLine(lines, l -> l.equals("event: peer"));
            assertThat(awaitLine(lines, l -> l.startsWith("data:"))).contains("\"down\"");
            LoggerFactory.getLogger("io.servent.test.Probe").warn("a warning for the web UI");
            awaitLine(lines, l -> l.equals("event: log"));
            assertThat(awaitLine(lines, l -> l.startsWith("data:"))).contains("a warning for the web UI");
            awaitLine(lines, l -> l.equals("event: traffic"));
            assertThat(call(a, "GET", "/api/v1/logs", "", 200).toString()).contains("a warning for the web UI");
            assertThat(call(a, "GET", "/api/v1/traffic", "", 200)).isNotEmpty();
        } finally {
            response.body().close();
            reader.interrupt();
        }
    }

    private static String awaitLine(BlockingQueue<String> lines, Predicate<String> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null && wanted.test(line)) {
                return line;
            }
        }
        throw new AssertionError("no such event line within 20 s");
    }

    @Test
    void metricsNeedTheTokenAndCountPerProtocol() throws Exception {
        assertThat(send(a, "GET", "/metrics", "").statusCode()).isEqualTo(401);
        call(b, "POST", "/api/v1/ping", "{\"target\":\"" + a.addresses().get(0) + "\",\"count\":2}", 200);
        HttpResponse<String> metrics = send(a, "GET", "/metrics", "", "Authorization", "Bearer " + token(a));
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        assertThat(metrics.body())
                .contains("servent_connections ")
                .contains("servent_streams ")
                .contains("servent_protocol_bytes_total{direction=\"in\",protocol=\"/ipfs/ping/1.0.0\"}")
                .contains("servent_handshake_failures_total{direction=\"inbound\",reason=\"timeout\"}")
                .contains("servent_refusals_total{reason=\"streams\"}")
                .contains("jvm_memory_used_bytes")
                .contains("process_uptime_seconds");
        double pingBytes = metrics.body()
                .lines()
                .filter(l ->
                        l.startsWith("servent_protocol_bytes_total{direction=\"in\",protocol=\"/ipfs/ping/1.0.0\"}"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
        assertThat(pingBytes).isGreaterThanOrEqualTo(64); // two 32-byte pings echoed back
    }

    @Test
    void sharesAreIndexedBrowsedAndUnshared() throws Exception {
        Path music = Files.createDirectories(temp.resolve("music"));
        Files.writeString(music.resolve("one.mp3"), "not really audio ".repeat(1000));
        Files.write(music.resolve("two.txt"), new byte[3 << 20]);
        JsonNode share = call(
                a, "POST", "/api/v1/shares", JSON.writeValueAsString(java.util.Map.of("dir", music.toString())), 201);
        assertThat(share.get("to")).hasToString("[\"everyone\"]");
        long id = share.get("id").asLong();
        assertThat(call(
                                a,
                                "POST",
                                "/api/v1/shares",
                                JSON.writeValueAsString(java.util.Map.of("dir", music.toString())),
                                400)
                        .get("error")
                        .asText())
                .contains("overlaps");
        assertThat(call(a, "POST", "/api/v1/shares", "{\"dir\":\"relative/dir\"}", 400)
                        .get("error")
                        .asText())
                .contains("absolute");
        assertThat(call(a, "POST", "/api/v1/shares", "{\"dir\":\"/tmp\",\"to\":[\"peer:nope\"]}", 400)
                        .get("error")
                        .asText())
                .contains("PeerId");

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        JsonNode listed;
        do {
            listed = call(a, "GET", "/api/v1/shares", "", 200).get(0);
        } while ((listed.get("files").asInt() < 2
                        || listed.get("indexing").get("scanning").asBoolean())
                && System.nanoTime() < deadline);
        assertThat(listed.get("files").asInt()).isEqualTo(2);
        assertThat(listed.get("bytes").asLong()).isEqualTo(17_000 + (3 << 20));

        call(b, "POST", "/api/v1/connect", "{\"address\":\"" + a.addresses().get(0) + "\"}", 200);
        JsonNode browse = call(b, "GET", "/api/v1/browse/" + a.host().peerId(), "", 200);
        assertThat(browse.get("peer").asText()).isEqualTo(a.host().peerId().toString());
        assertThat(browse.get("files")).hasSize(2);
        assertThat(browse.get("files").toString())
                .contains("music/one.mp3", "\"audio\"", "music/two.txt", "\"document\"");
        assertThat(browse.get("files").get(0).get("cid").asText()).startsWith("baf");

        // Only a third peer may see it now: b sees nothing.
        JsonNode restricted = call(
                a, "PUT", "/api/v1/shares/" + id, "{\"to\":[\"peer:" + a.host().peerId() + "\"]}", 200);
        assertThat(restricted.get("to").get(0).asText()).startsWith("peer:");
        assertThat(call(b, "GET", "/api/v1/browse/" + a.host().peerId(), "", 200)
                        .get("files"))
                .isEmpty();

        call(a, "DELETE", "/api/v1/shares/" + id, "", 204);
        assertThat(call(a, "GET", "/api/v1/shares", "", 200)).isEmpty();
        assertThat(call(b, "GET", "/api/v1/browse/12D3KooWAJjbRkp8FPF5MKgMU53aUTxWkqvDrs4zc1VMbwRwfsbE", "", 404)
                        .get("error")
                        .asText())
                .contains("unknown peer");
    }

    @Test
    void settingsAreCheckedAndWrittenForTheNextStart() throws Exception {
        JsonNode bad = call(
                a, "PUT", "/api/v1/settings", "{\"limits\":{\"max_connections\":0},\"log\":{\"level\":\"loud\"}}", 400);
        assertThat(bad.get("error").asText())
                .contains("[limits].max_connections")
                .contains("[log].level");
        assertThat(call(a, "PUT", "/api/v1/settings", "{\"nope\":{}}", 400)
                        .get("error")
                        .asText())
                .contains("unknown section");

        JsonNode saved = call(a, "PUT", "/api/v1/settings", "{\"log\":{\"level\":\"debug\"}}", 200);
        assertThat(saved.get("restartRequired").asBoolean()).isTrue();
        assertThat(saved.get("saved").get("log").get("level").asText()).isEqualTo("debug");
        assertThat(saved.get("effective").get("log").get("level").asText()).isEqualTo("info");
        String toml = Files.readString(a.dataDirectory().configFile());
        assertThat(toml).contains("\nlevel = \"debug\"\n").contains("# max_connections = ");
        assertThat(ConfigFile.read(a.dataDirectory().configFile(), NodeConfig.defaults())
                        .logLevel())
                .isEqualTo("debug");

        JsonNode back = call(a, "PUT", "/api/v1/settings", "{\"log\":{\"level\":\"info\"}}", 200);
        assertThat(back.get("restartRequired").asBoolean()).as(back.toString()).isFalse();
    }

    @Test
    void settingsSayWhichPortTheSystemChoseForTheApi() throws Exception {
        JsonNode settings = call(a, "GET", "/api/v1/settings", "", 200);
        assertThat(settings.get("effective").get("api").get("listen").asText()).isEqualTo("127.0.0.1:0");
        assertThat(settings.get("bound").get("api.listen").asText())
                .isEqualTo("127.0.0.1:" + URI.create(a.apiUrl()).getPort());
    }

    @Test
    void theUiIsServedWithoutTheTokenAndTheDocumentToo() throws Exception {
        HttpResponse<String> index = send(a, "GET", "/", "");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.body()).contains("<script type=\"module\" src=\"app.js\">");
        assertThat(index.headers().firstValue("Content-Security-Policy"))
                .hasValueSatisfying(v -> assertThat(v).contains("default-src 'self'"));
        assertThat(send(a, "GET", "/pages/shares.js", "").statusCode()).isEqualTo(200);
        HttpResponse<String> doc = send(a, "GET", "/api/openapi.json", "");
        assertThat(doc.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(doc.body()).get("paths").has("/api/v1/shares")).isTrue();
    }
}
