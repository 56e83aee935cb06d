package io.servent.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.servent.p2p.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two daemons with mDNS on and no bootstrap peer find and connect to each other on this machine. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MdnsDaemonsTest {
    @TempDir
    Path temp;

    @Test
    void daemonsOnOneLinkMeetThroughMdns() throws Exception {
        try (Daemon a = Daemon.start(
                        temp.resolve("a"),
                        c -> ControlApiTest.loopback(c, s -> s.withMdns(true).withMdnsInterfaces(List.of("lo"))));
                Daemon b = Daemon.start(
                        temp.resolve("b"),
                        c -> ControlApiTest.loopback(c, s -> s.withMdns(true).withMdnsInterfaces(List.of("lo"))))) {
            // Without a multicast-capable interface the daemon runs without mDNS (and says so): skip.
            org.junit.jupiter.api.Assumptions.assumeTrue(
                    a.network().mdns().isPresent(), "no multicast-capable interface on this machine");
            assertThat(ApiCalls.get(a, "network").get("mdns").asBoolean()).isTrue();
            Await.until(
                    Duration.ofSeconds(30),
                    () -> !a.host().connections(b.host().peerId()).isEmpty(),
                    "a and b are connected through mDNS");
        }
    }
}
