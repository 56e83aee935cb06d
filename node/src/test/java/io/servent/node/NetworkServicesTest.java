package io.servent.node;

import static io.servent.node.ApiCalls.JSON;
import static io.servent.node.ApiCalls.error;
import static io.servent.node.ApiCalls.get;
import static io.servent.node.ApiCalls.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.servent.p2p.api.Cid;
import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.Multihash;
import io.servent.p2p.testing.Await;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Five real daemons on loopback, four bootstrapped off the first, driven through the control API:
 * DHT find-peer, provide/providers and put/get across daemons, gossipsub over Server-Sent Events,
 * the network status, and a shutdown that leaves no thread behind.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NetworkServicesTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final List<Daemon> daemons = new ArrayList<>();

    @BeforeAll
    void startFive(@TempDir Path temp) throws Exception {
        Daemon first = Daemon.start(temp.resolve("d0"), ControlApiTest::loopback);
        daemons.add(first);
        Multiaddr hub = first.addresses().get(0);
        for (int i = 1; i < 5; i++) {
            daemons.add(Daemon.start(
                    temp.resolve("d" + i), c -> ControlApiTest.loopback(c, s -> s.withBootstrap(List.of(hub)))));
        }
        for (Daemon d : daemons) {
            Await.until(WAIT, () -> d.network().dht().orElseThrow().routingTableSize() >= 1, d + " has a DHT peer");
        }
    }

    @AfterAll
    void stopAll() {
        for (Daemon d : daemons.reversed()) {
            d.close();
        }
    }

    private Daemon d(int i) {
        return daemons.get(i);
    }

    private String peer(int i) {
        return d(i).host().peerId().toString();
    }

    @Test
    void findPeerReturnsAddressesOfAPeerFoundThroughTheDht() throws Exception {
        JsonNode found = post(d(4), "dht/find-peer", Map.of("peer", peer(2)));
        assertThat(found.get("peerId").asText()).isEqualTo(peer(2));
        assertThat(found.get("addresses").get(0).asText())
                .startsWith("/ip4/127.0.0.1/tcp/")
                .endsWith("/p2p/" + peer(2));
        assertThat(error(d(1), "POST", "dht/find-peer", Map.of("peer", "nope"), 400))
                .contains("'nope' is not a PeerId");
        assertThat(error(d(1), "POST", "dht/find-peer", Map.of(), 400)).contains("\"peer\"");
    }

    @Test
    void providersAnnouncedOnOneDaemonAreFoundFromAnother() throws Exception {
        Cid cid = Cid.v1(0x55, Multihash.sha256("provided by d1".getBytes(StandardCharsets.UTF_8)));
        JsonNode provided = post(d(1), "dht/provide", Map.of("cid", cid.toString()));
        assertThat(provided.get("cid").asText()).isEqualTo(cid.toString());
        assertThat(provided.get("peers").asInt()).isPositive();
        JsonNode providers = get(d(3), "dht/providers/" + cid + "?max=5");
        assertThat(providers.get("providers").findValuesAsText("peerId")).contains(peer(1));
        assertThat(error(d(3), "GET", "dht/providers/notacid", "", 400)).contains("not a CID");
        assertThat(error(d(3), "GET", "dht/providers/" + cid + "?max=1000", "", 400))
                .contains("max must be 1-100");
    }

    @Test
    void metricsCountDhtQueriesByTypeAndOutcome() throws Exception {
        Cid cid = Cid.v1(0x55, Multihash.sha256("counted by d2".getBytes(StandardCharsets.UTF_8)));
        post(d(2), "dht/provide", Map.of("cid", cid.toString()));
        get(d(4), "dht/providers/" + cid + "?max=5");
        Map<String, Double> asker = metrics(d(4));
        assertThat(asker.get("servent_dht_lookups_total{type=\"get_providers\"}"))
                .isGreaterThanOrEqualTo(1);
        assertThat(asker.get("servent_dht_lookup_time_seconds_total{type=\"get_providers\"}"))
                .isPositive();
        assertThat(asker.get("servent_dht_requests_sent_total{outcome=\"ok\",type=\"get_providers\"}"))
                .isGreaterThanOrEqualTo(1);
        assertThat(asker).containsKey("servent_dht_requests_sent_total{outcome=\"timeout\",type=\"find_node\"}");
        assertThat(asker.get("servent_dht_routing_table_peers")).isGreaterThanOrEqualTo(1);
        Map<String, Double> provider = metrics(d(2));
        assertThat(provider.get("servent_dht_requests_sent_total{outcome=\"ok\",type=\"add_provider\"}"))
                .isGreaterThanOrEqualTo(1);
        assertThat(provider.get("servent_dht_provided_keys")).isGreaterThanOrEqualTo(1);
        double served = 0;
        for (Daemon d : daemons) {
            served += metrics(d).getOrDefault("servent_dht_requests_served_total{type=\"add_provider\"}", 0.0);
        }
        assertThat(served)
                .as("ADD_PROVIDER requests answered across the daemons")
                .isGreaterThanOrEqualTo(1);
    }

    /** {@code GET /metrics} as series name with labels → value. */
    private static Map<String, Double> metrics(Daemon d) throws Exception {
        HttpResponse<String> r = ApiCalls.http()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(d.apiUrl() + "/metrics"))
                                .header("Authorization", "Bearer " + ApiCalls.token(d))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        Map<String, Double> out = new java.util.HashMap<>();
        r.body().lines().filter(l -> !l.startsWith("#") && l.contains(" ")).forEach(l -> {
            int space = l.lastIndexOf(' ');
            out.put(l.substring(0, space), Double.parseDouble(l.substring(space + 1)));
        });
        return out;
    }

    @Test
    void signedValuesPutOnOneDaemonAreReadOnAnotherNewestFirst() throws Exception {
        JsonNode put = post(d(2), "dht/put", Map.of("key", "/servent/greeting", "value", "hello"));
        String key = "/servent/" + peer(2) + "/greeting";
        assertThat(put.get("key").asText()).isEqualTo(key);
        assertThat(put.get("peers").asInt()).isPositive();
        JsonNode got = get(d(4), "dht/get" + key);
        assertThat(got.get("value").asText()).isEqualTo("hello");
        assertThat(got.get("encoding").asText()).isEqualTo("utf-8");
        assertThat(got.get("peerId").asText()).isEqualTo(peer(2));
        long firstSeq = got.get("seq").asLong();

        post(d(2), "dht/put", Map.of("key", key, "value", "hello again"));
        JsonNode newer = get(d(3), "dht/get" + key);
        assertThat(newer.get("value").asText()).isEqualTo("hello again");
        assertThat(newer.get("seq").asLong()).isGreaterThan(firstSeq);
        // The short form names the node's own record.
        assertThat(get(d(2), "dht/get/servent/greeting").get("value").asText()).isEqualTo("hello again");

        assertThat(error(d(3), "POST", "dht/put", Map.of("key", key, "value", "forged"), 400))
                .contains("only that peer can write it");
        assertThat(error(d(3), "GET", "dht/get/servent/" + peer(2) + "/absent", "", 404))
                .contains("no value found");
        assertThat(error(d(3), "GET", "dht/get/other/x", "", 400)).contains("keys are /servent/NAME");
    }

    @Test
    void pubsubDeliversEachMessageOnceOverServerSentEventsUntilTheClientLeaves() throws Exception {
        String topic = "chat/room-1";
        HttpResponse<InputStream> stream = ApiCalls.http()
                .send(
                        ApiCalls.request(d(3), "pubsub/subscribe/" + topic)
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader lines =
                    new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("data: ")) {
                        events.add(line.substring(6));
                    }
                }
            } catch (Exception e) {
                // The test closed the stream.
            }
        });
        assertThat(ApiCalls.strings(get(d(3), "pubsub/topics").get("topics"))).containsExactly(topic);
        Await.until(
                WAIT,
                () -> {
                    try {
                        return ApiCalls.strings(
                                        get(d(1), "pubsub/peers/" + topic).get("peers"))
                                .contains(peer(3));
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                },
                "d1 knows d3 subscribed");
        for (int i = 0; i < 3; i++) {
            JsonNode published = post(d(1), "pubsub/publish", Map.of("topic", topic, "message", "m" + i));
            assertThat(published.get("messageId").asText()).isNotEmpty();
        }
        List<JsonNode> received = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String event = events.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(event).as("message %d arrived", i).isNotNull();
            received.add(JSON.readTree(event));
        }
        // gossipsub does not order messages: one may take a direct link, the next a two-hop path.
        assertThat(received).extracting(m -> m.get("data").asText()).containsExactlyInAnyOrder("m0", "m1", "m2");
        assertThat(received).allSatisfy(m -> {
            assertThat(m.get("from").asText()).isEqualTo(peer(1));
            assertThat(m.get("topic").asText()).isEqualTo(topic);
            assertThat(m.get("encoding").asText()).isEqualTo("utf-8");
            assertThat(m.get("seqno").asText()).matches("[0-9]+");
        });
        // Exactly once: a duplicate would follow within gossip's heartbeats.
        assertThat(events.poll(2, TimeUnit.SECONDS)).as("no duplicate").isNull();

        stream.body().close();
        reader.interrupt();
        Await.until(
                WAIT,
                () -> {
                    try {
                        return get(d(3), "pubsub/topics").get("topics").isEmpty();
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                },
                "the subscription ended with its client");
        assertThat(error(d(1), "POST", "pubsub/publish", Map.of("topic", "", "message", "x"), 400))
                .contains("\"topic\"");
    }

    @Test
    void topicsAndKeysMayHoldSlashesAndSpacesInThePath() throws Exception {
        post(d(2), "dht/put", Map.of("key", "/servent/my notes/day 1", "value", "ünïcode"));
        JsonNode got = get(d(2), "dht/get/servent/my%20notes/day%201");
        assertThat(got.get("key").asText()).isEqualTo("/servent/" + peer(2) + "/my notes/day 1");
        assertThat(got.get("value").asText()).isEqualTo("ünïcode");
        JsonNode peers = get(d(2), "pubsub/peers//servent/chat%20room");
        assertThat(peers.get("topic").asText()).isEqualTo("/servent/chat room");
    }

    @Test
    void networkDescribesReachabilityDhtModeAndAddresses() throws Exception {
        JsonNode network = get(d(1), "network");
        assertThat(network.get("peerId").asText()).isEqualTo(peer(1));
        assertThat(network.get("reachability").asText()).isIn("unknown", "public");
        assertThat(network.get("dht").get("enabled").asBoolean()).isTrue();
        assertThat(network.get("dht").get("mode").asText()).isEqualTo("server");
        assertThat(network.get("dht").get("configuredMode").asText()).isEqualTo("auto");
        assertThat(network.get("pubsub").asBoolean()).isTrue();
        assertThat(network.get("mdns").asBoolean()).isFalse();
        assertThat(network.get("relay").get("service").asBoolean()).isFalse();
        assertThat(network.get("relay").get("client").asBoolean()).isTrue();
        assertThat(network.get("advertisedAddresses").get(0).asText()).endsWith("/p2p/" + peer(1));
        assertThat(network.get("bootstrap").get(0).get("connected").asBoolean()).isTrue();
        JsonNode stats = get(d(0), "dht/stats");
        assertThat(stats.get("mode").asText()).isEqualTo("server");
        assertThat(stats.get("routingTableSize").asInt()).isGreaterThanOrEqualTo(4);
        assertThat(stats.get("buckets").size()).isPositive();
        assertThat(stats.has("networkSizeEstimate")).isTrue();
    }
}
