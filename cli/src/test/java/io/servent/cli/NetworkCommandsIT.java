package io.servent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.servent.p2p.api.Cid;
import io.servent.p2p.api.Multihash;
import io.servent.p2p.testing.Await;
import java.nio.charset.StandardCharsets;
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

/**
 * Three daemon processes (two bootstrapped off the first) driven by the dht, pubsub and network
 * commands; {@code --json} output is parsed. The subscriber is a real {@code servent pubsub sub}
 * process; the other commands run in-process (the same code, through the same HTTP API), since a
 * JVM start costs seconds on this machine.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NetworkCommandsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Path work;
    private ServentJar.Daemon hub;
    private ServentJar.Daemon b;
    private ServentJar.Daemon c;

    @BeforeAll
    void startThree(@TempDir Path temp) throws Exception {
        work = temp;
        hub = ServentJar.Daemon.start(temp.resolve("hub"), temp);
        String hubAddress = id(hub).get("addresses").get(0).asText();
        b = ServentJar.Daemon.start(temp.resolve("b"), temp, List.of("--bootstrap", hubAddress));
        c = ServentJar.Daemon.start(temp.resolve("c"), temp, List.of("--bootstrap", hubAddress));
        for (ServentJar.Daemon d : List.of(b, c)) {
            Await.until(
                    Duration.ofSeconds(60),
                    () -> json(d, "dht", "stats").get("routingTableSize").asInt() >= 1,
                    d.data + " has a DHT peer");
        }
    }

    @AfterAll
    void stop() throws Exception {
        for (ServentJar.Daemon d : new ServentJar.Daemon[] {c, b, hub}) {
            if (d != null) {
                d.close();
            }
        }
    }

    /** Runs a client command in-process against {@code d}. */
    private static ServentJar.Result run(ServentJar.Daemon d, String... args) {
        return d.client(args);
    }

    private static ServentJar.Result ok(ServentJar.Daemon d, String... args) {
        return d.clientOk(args);
    }

    private static JsonNode json(ServentJar.Daemon d, String... args) {
        String[] withJson = java.util.Arrays.copyOf(args, args.length + 1);
        withJson[args.length] = "--json";
        try {
            return JSON.readTree(ok(d, withJson).out());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode id(ServentJar.Daemon d) {
        return json(d, "id");
    }

    private static String[] withData(ServentJar.Daemon d, String... args) {
        String[] out = java.util.Arrays.copyOf(args, args.length + 2);
        out[args.length] = "--data";
        out[args.length + 1] = d.data.toString();
        return out;
    }

    @Test
    void dhtCommandsWorkAcrossDaemons() throws Exception {
        String peerB = id(b).get("peerId").asText();

        assertThat(json(c, "dht", "find-peer", peerB).get("addresses").get(0).asText())
                .endsWith("/p2p/" + peerB);

        assertThat(ok(b, "dht", "put", "/servent/color", "blue").out()).contains("stored /servent/" + peerB + "/color");
        JsonNode got = json(c, "dht", "get", "/servent/" + peerB + "/color");
        assertThat(got.get("value").asText()).isEqualTo("blue");
        assertThat(ok(c, "dht", "get", "/servent/" + peerB + "/color").out()).isEqualTo("blue\n");

        Cid cid = Cid.v1(0x55, Multihash.sha256("cli content".getBytes(StandardCharsets.UTF_8)));
        assertThat(ok(b, "dht", "provide", cid.toString()).out()).startsWith("announced " + cid);
        assertThat(json(c, "dht", "providers", cid.toString()).get("providers").findValuesAsText("peerId"))
                .contains(peerB);

        JsonNode stats = json(hub, "dht", "stats");
        assertThat(stats.get("mode").asText()).isEqualTo("server");
        assertThat(stats.get("routingTableSize").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(ok(hub, "dht", "stats").out()).contains("routing table").contains("network size");

        ServentJar.Result badKey = run(c, "dht", "get", "/nope/x");
        assertThat(badKey.exitCode()).as(badKey.toString()).isEqualTo(1);
        assertThat(badKey.err()).contains("keys are /servent/NAME");
        assertThat(run(c, "dht", "get", "servent/x").exitCode()).isEqualTo(2);
        assertThat(ok(c, "dht", "--help").out())
                .contains("/servent/PEERID/NAME")
                .contains("/pk/PEERID");
    }

    @Test
    void pubsubSubPrintsWhatPubPublishes() throws Exception {
        String peerC = id(c).get("peerId").asText();
        String peerB = id(b).get("peerId").asText();
        Path out = work.resolve("sub.out");
        Process sub = ServentJar.startCommand(out, withData(c, "pubsub", "sub", "/news/today", "--json"));
        try {
            Await.until(
                    Duration.ofSeconds(60),
                    () -> json(b, "pubsub", "peers", "/news/today")
                            .get("peers")
                            .toString()
                            .contains(peerC),
                    "b sees c subscribed");
            assertThat(ok(b, "pubsub", "peers", "/news/today").out()).contains(peerC);
            assertThat(ok(b, "pubsub", "pub", "/news/today", "hello there").out())
                    .startsWith("published to ");
            Await.until(
                    Duration.ofSeconds(30),
                    () -> read(out).contains("hello there"),
                    "the subscriber printed the message");
            JsonNode message = JSON.readTree(read(out).lines().findFirst().orElseThrow());
            assertThat(message.get("from").asText()).isEqualTo(peerB);
            assertThat(message.get("topic").asText()).isEqualTo("/news/today");
            assertThat(message.get("data").asText()).isEqualTo("hello there");
        } finally {
            sub.destroy();
            sub.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void networkDescribesTheNode() {
        JsonNode network = json(b, "network");
        assertThat(network.get("dht").get("mode").asText()).isEqualTo("server");
        assertThat(network.get("mdns").asBoolean()).isFalse();
        assertThat(network.get("bootstrap").get(0).get("connected").asBoolean()).isTrue();
        assertThat(ok(b, "network").out()).contains("reachability").contains("relay client  on");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
