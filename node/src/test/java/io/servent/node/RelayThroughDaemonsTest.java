package io.servent.node;

import static io.servent.node.ApiCalls.get;
import static io.servent.node.ApiCalls.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.servent.p2p.autonat.Reachability;
import io.servent.p2p.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A relay daemon, a private daemon that listens nowhere but reserves on the relay, and a third
 * daemon that reaches the private one only through its {@code /p2p-circuit} address.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RelayThroughDaemonsTest {
    @TempDir
    Path temp;

    @Test
    void aPrivateDaemonIsReachableThroughARelay() throws Exception {
        try (Daemon relay = Daemon.start(
                        temp.resolve("relay"), c -> ControlApiTest.loopback(c, s -> s.withRelayService(true)));
                Daemon hidden = Daemon.start(temp.resolve("hidden"), c -> ControlApiTest.loopback(
                                c, s -> s.withBootstrap(relay.addresses()).withForceReachability(Reachability.PRIVATE))
                        .withListen(List.of()));
                Daemon dialer = Daemon.start(temp.resolve("dialer"), ControlApiTest::loopback)) {
            Await.until(
                    Duration.ofSeconds(30),
                    () -> !hidden.network().relayReservations().isEmpty(),
                    "the private daemon holds a reservation");
            JsonNode network = get(hidden, "network");
            assertThat(network.get("reachability").asText()).isEqualTo("private");
            assertThat(network.get("reachabilityForced").asBoolean()).isTrue();
            assertThat(network.get("dht").get("mode").asText()).isEqualTo("client");
            JsonNode reservation = network.get("relay").get("reservations").get(0);
            assertThat(reservation.get("relay").asText())
                    .isEqualTo(relay.host().peerId().toString());
            String circuit = reservation.get("addresses").get(0).asText();
            assertThat(circuit)
                    .contains("/p2p/" + relay.host().peerId() + "/p2p-circuit/p2p/"
                            + hidden.host().peerId());
            assertThat(network.get("advertisedAddresses").toString()).contains("/p2p-circuit");
            assertThat(get(relay, "network")
                            .get("relay")
                            .get("serviceReservations")
                            .asInt())
                    .isEqualTo(1);

            JsonNode pong = post(dialer, "ping", Map.of("target", circuit, "count", 2));
            assertThat(pong.get("peerId").asText())
                    .isEqualTo(hidden.host().peerId().toString());
            assertThat(pong.get("rttsMs").size()).isEqualTo(2);
            JsonNode peers = get(dialer, "peers");
            assertThat(peers.findValuesAsText("remoteAddress"))
                    .anySatisfy(a -> assertThat(a).contains("/p2p-circuit"));
        }
    }
}
