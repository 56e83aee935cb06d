package io.servent.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.servent.p2p.api.Multiaddr;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two in-process daemons on loopback, driven through the real HTTP control API. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControlApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Daemon a;
    private Daemon b;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void startTwoDaemons(@TempDir Path temp) throws Exception {
        a = Daemon.start(temp.resolve("a"), ControlApiTest::loopback);
        b = Daemon.start(temp.resolve("b"), ControlApiTest::loopback);
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

    static NodeConfig loopback(NodeConfig c) {
        // mDNS would find every other test's daemons on this machine.
        return c.withListen(List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/0")))
                .withApiPort(0)
                .withServices(c.services().withMdns(false));
    }

    /** {@link #loopback(NodeConfig)} with {@code services} changed further. */
    static NodeConfig loopback(NodeConfig c, java.util.function.UnaryOperator<NetworkServicesConfig> services) {
        NodeConfig l = loopback(c);
        return l.withServices(services.apply(l.services()));
    }

    private HttpResponse<String> call(Daemon d, String method, String path, String body, String token)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(d.apiUrl() + "/api/v1/" + path))
                .timeout(Duration.ofSeconds(60))
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (!token.isEmpty()) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode ok(Daemon d, String method, String path, String body) throws Exception {
        HttpResponse<String> response = call(d, method, path, body, token(d));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        return JSON.readTree(response.body());
    }

    private JsonNode error(Daemon d, String method, String path, String body, int status) throws Exception {
        HttpResponse<String> response = call(d, method, path, body, token(d));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode json = JSON.readTree(response.body());
        assertThat(json.properties()).hasSize(1);
        assertThat(json.get("error").isTextual()).isTrue();
        return json;
    }

    private static String token(Daemon d) throws Exception {
        return d.dataDirectory().readToken().orElseThrow().value();
    }

    @Test
    void everyRouteNeedsTheToken() throws Exception {
        for (String[] route : new String[][] {
            {"GET", "id"},
            {"GET", "peers"},
            {"POST", "connect"},
            {"POST", "ping"},
            {"POST", "perf"},
            {"POST", "shutdown"},
            {"POST", "dht/find-peer"},
            {"POST", "dht/provide"},
            {"GET", "dht/providers/bafkqaaa"},
            {"POST", "dht/put"},
            {"GET", "dht/get/servent/x"},
            {"GET", "dht/stats"},
            {"POST", "pubsub/publish"},
            {"GET", "pubsub/peers/t"},
            {"GET", "pubsub/topics"},
            {"GET", "pubsub/subscribe/t"},
            {"GET", "network"},
            {"GET", "nonexistent"}
        }) {
            for (String token : new String[] {"", "wrong", token(b)}) {
                HttpResponse<String> response = call(a, route[0], route[1], "{}", token);
                assertThat(response.statusCode()).as(route[0] + " " + route[1]).isEqualTo(401);
                assertThat(JSON.readTree(response.body()).get("error").asText()).contains("API token");
            }
        }
        // Nothing ran, least of all the shutdown.
        assertThat(a.awaitClosed(Duration.ofMillis(200))).isFalse();
        ok(a, "GET", "id", "");
    }

    @Test
    void noCorsHeadersForOtherOrigins() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(a.apiUrl() + "/api/v1/id"))
                        .header("Origin", "http://evil.example")
                        .header("Authorization", "Bearer " + token(a))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.headers().map().keySet())
                .noneMatch(h -> h.toLowerCase().startsWith("access-control"));
    }

    @Test
    void idDescribesTheNode() throws Exception {
        JsonNode id = ok(a, "GET", "id", "");
        assertThat(id.get("peerId").asText()).isEqualTo(a.host().peerId().toString());
        assertThat(id.get("publicKey").asText()).isNotEmpty();
        assertThat(id.get("agent").asText()).isEqualTo("servent/" + ServentVersion.version());
        assertThat(id.get("addresses")).singleElement().satisfies(addr -> assertThat(addr.asText())
                .startsWith("/ip4/127.0.0.1/tcp/")
                .endsWith("/p2p/" + a.host().peerId()));
        assertThat(JSON.convertValue(id.get("protocols"), List.class))
                .contains("/ipfs/id/1.0.0", "/ipfs/ping/1.0.0", "/perf/1.0.0");
    }

    @Test
    void connectThenPeersPingAndPerf() throws Exception {
        String addressOfA = a.addresses().get(0).toString();
        JsonNode connected = ok(b, "POST", "connect", "{\"address\":\"" + addressOfA + "\"}");
        assertThat(connected.get("peerId").asText()).isEqualTo(a.host().peerId().toString());
        assertThat(connected.get("direction").asText()).isEqualTo("outbound");
        assertThat(connected.get("security").asText()).isEqualTo("/noise");
        assertThat(connected.get("muxer").asText()).isEqualTo("/yamux/1.0.0");
        assertThat(connected.get("agent").asText()).isEqualTo("servent/" + ServentVersion.version());

        JsonNode peersOfA = ok(a, "GET", "peers", "");
        assertThat(peersOfA).anySatisfy(p -> {
            assertThat(p.get("peerId").asText()).isEqualTo(b.host().peerId().toString());
            assertThat(p.get("direction").asText()).isEqualTo("inbound");
            assertThat(p.get("remoteAddress").asText()).startsWith("/ip4/127.0.0.1/tcp/");
            assertThat(p.fieldNames())
                    .toIterable()
                    .containsExactlyInAnyOrder(
                            "peerId",
                            "connectionId",
                            "remoteAddress",
                            "direction",
                            "security",
                            "muxer",
                            "agent",
                            "protocols",
                            "latencyMs",
                            "streams",
                            "openedAt");
        });

        JsonNode ping = ok(b, "POST", "ping", "{\"target\":\"" + a.host().peerId() + "\",\"count\":3}");
        assertThat(ping.get("rttsMs")).hasSize(3).allSatisfy(rtt -> assertThat(rtt.asDouble())
                .isPositive());
        assertThat(ping.get("minMs").asDouble())
                .isLessThanOrEqualTo(ping.get("maxMs").asDouble());
        JsonNode peersOfB = ok(b, "GET", "peers", "");
        assertThat(peersOfB.get(0).get("latencyMs").asDouble()).isPositive();

        JsonNode perf = ok(
                b,
                "POST",
                "perf",
                "{\"address\":\"" + addressOfA + "\",\"uploadBytes\":1048576,\"downloadBytes\":2097152}");
        assertThat(perf.get("uploadBytes").asLong()).isEqualTo(1 << 20);
        assertThat(perf.get("downloadBytes").asLong()).isEqualTo(2 << 20);
        assertThat(perf.get("uploadMBps").asDouble()).isPositive();
        assertThat(perf.get("downloadMBps").asDouble()).isPositive();
    }

    @Test
    void badInputIs400() throws Exception {
        assertThat(error(a, "POST", "connect", "{", 400).get("error").asText()).contains("not the expected JSON");
        assertThat(error(a, "POST", "connect", "{}", 400).get("error").asText()).contains("\"address\"");
        assertThat(error(a, "POST", "connect", "{\"address\":\"/ip4/1.2.3.4/tcpx/1\"}", 400)
                        .get("error")
                        .asText())
                .contains("is not a multiaddr");
        assertThat(error(a, "POST", "ping", "{\"target\":\"x\",\"count\":101}", 400)
                        .get("error")
                        .asText())
                .isEqualTo("count must be 1-100, not 101");
        assertThat(error(a, "POST", "ping", "{\"target\":\"hello\"}", 400)
                        .get("error")
                        .asText())
                .contains("neither a multiaddr nor a PeerId");
        error(a, "POST", "perf", "{\"address\":\"/ip4/127.0.0.1/tcp/1\",\"uploadBytes\":-1}", 400);
        error(a, "POST", "ping", "{\"target\":\"" + a.host().peerId() + "\"}", 400);
        error(a, "POST", "ping", "{\"target\":\"x\",\"surprise\":1}", 400);
    }

    @Test
    void unknownPeerIs404AndUnknownRouteToo() throws Exception {
        String stranger = io.servent.p2p.api.PeerId.random().toString();
        assertThat(error(a, "POST", "ping", "{\"target\":\"" + stranger + "\"}", 404)
                        .get("error")
                        .asText())
                .contains("unknown peer " + stranger);
        assertThat(error(a, "GET", "nope", "", 404).get("error").asText()).contains("no such API route");
    }

    @Test
    void refusedIs502() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        assertThat(error(a, "POST", "connect", "{\"address\":\"/ip4/127.0.0.1/tcp/" + closedPort + "\"}", 502)
                        .get("error")
                        .asText())
                .contains("connection refused");
    }

    @Test
    void theRuntimeFileDescribesTheDaemon() throws Exception {
        RuntimeInfo info = a.dataDirectory().readRuntimeInfo().orElseThrow();
        assertThat(info.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(info.apiUrl()).isEqualTo(a.apiUrl());
        assertThat(info.peerId()).isEqualTo(a.host().peerId().toString());
        assertThat(Files.readString(a.dataDirectory().configFile())).contains("[network]");
    }

    @Test
    void aSecondDaemonOnTheSameDirectoryIsRefused() {
        assertThatThrownBy(() -> Daemon.start(a.dataDirectory().root(), ControlApiTest::loopback))
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("another servent daemon is already running for");
        assertThat(a.dataDirectory().runtimeFile()).exists(); // the refused one must not touch it
    }
}
