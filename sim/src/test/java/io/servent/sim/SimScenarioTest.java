package io.servent.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * L2: small scenarios end to end (real hosts, real DHT and gossipsub on the memory transport with
 * latency), asserting the targets and that every report field is a measurement. The big scenarios
 * are run by the command, not here.
 */
@Timeout(180)
class SimScenarioTest {
    private final ByteArrayOutputStream progressBytes = new ByteArrayOutputStream();
    private final PrintStream progress = new PrintStream(progressBytes, true, StandardCharsets.UTF_8);
    private final long seed = System.nanoTime();

    private SimScenario small(SimScenario s, int peers, int ops) {
        return s.withPeers(peers)
                .withOperations(ops)
                .withLatency(Duration.ofMillis(2), Duration.ofMillis(2))
                .withSeed(seed);
    }

    @Test
    void dhtLookupsFindLivePeers() throws Exception {
        SimScenario s = small(SimScenarios.byName("dht-200").orElseThrow(), 100, 100);
        List<SimReport.Dht> reports = new DhtRun(s, progress).run();
        assertThat(reports).hasSize(1);
        SimReport.Dht r = reports.get(0);
        String why = "seed " + seed + "\n" + r.format() + "\n" + progressBytes;
        assertThat(r.lookups()).as(why).isEqualTo(100);
        assertThat(r.successRate()).as(why).isGreaterThanOrEqualTo(0.99);
        assertThat(r.hops().p50()).as(why).isBetween(1.0, 4.0);
        assertThat(r.hops().count()).as(why).isEqualTo(r.succeeded());
        assertThat(r.latencyMs().p50()).as(why).isPositive();
        assertThat(r.latencyMs().p99())
                .as(why)
                .isGreaterThanOrEqualTo(r.latencyMs().p50());
        assertThat(r.requestsPerLookup()).as(why).isGreaterThan(1);
        assertThat(r.meanTableSize()).as(why).isGreaterThan(10);
        assertResourcesMeasured(r.resources(), 100, why);
    }

    @Test
    void dhtUnderChurnReplacesPeersAndStillFindsThem() throws Exception {
        SimChurn churn = SimChurn.ipfsLike(Duration.ofHours(1), 360); // one simulated hour in 10 s
        SimScenario s = small(SimScenarios.byName("dht-200-churn").orElseThrow(), 100, 100)
                .withChurn(churn);
        List<SimReport.Dht> reports = new DhtRun(s, progress).run();
        assertThat(reports).hasSize(2);
        assertThat(reports.get(0).scenario().churn()).isEmpty();
        assertThat(reports.get(0).departures()).isZero();
        assertThat(reports.get(0).successRate()).isGreaterThanOrEqualTo(0.99);
        SimReport.Dht r = reports.get(1);
        String why = "seed " + seed + "\n" + r.format() + "\n" + progressBytes;
        assertThat(r.departures()).as(why).isPositive();
        assertThat(r.joins()).as(why).isPositive();
        assertThat(r.simulated()).as(why).isGreaterThanOrEqualTo(Duration.ofMinutes(55));
        assertThat(r.lookups()).as(why).isEqualTo(100);
        assertThat(r.successRate()).as(why).isGreaterThanOrEqualTo(0.99);
        assertResourcesMeasured(r.resources(), 100, why);
    }

    @Test
    void gossipDeliversDespiteSilentDroppers() throws Exception {
        SimScenario s = small(SimScenarios.byName("gossip-200-bad10").orElseThrow(), 100, 20);
        SimReport.Gossip r = new GossipRun(s, progress).run();
        String why = "seed " + seed + "\n" + r.format() + "\n" + progressBytes;
        assertThat(r.badPeers()).isEqualTo(10);
        assertThat(r.expected()).isEqualTo(20L * (90 - 1));
        assertThat(r.deliveryRatio()).as(why).isGreaterThanOrEqualTo(0.999);
        assertThat(r.latencyMs().count()).as(why).isEqualTo((int) r.delivered());
        assertThat(r.latencyMs().p50()).as(why).isPositive();
        assertThat(r.duplicatesPerMessage()).as(why).isPositive();
        assertResourcesMeasured(r.resources(), 100, why);
        assertThat(Sim.markdownTable(List.of(r), "abc1234"))
                .contains("| gossip-200-bad10 | 100 |")
                .contains("abc1234");
    }

    private static void assertResourcesMeasured(SimReport.Resources res, int peers, String why) {
        assertThat(res.peers()).isEqualTo(peers);
        assertThat(res.heapBytesPerPeer()).as(why).isGreaterThan(1024);
        assertThat(res.buildCpuMsPerPeer()).as(why).isPositive();
        assertThat(res.runCpuMsPerPeerSecond()).as(why).isPositive();
        assertThat(res.buildWall()).as(why).isPositive();
        assertThat(res.runWall()).as(why).isPositive();
    }
}
