package io.servent.sim;

import java.time.Duration;
import java.util.Optional;

/**
 * One named simulation: what kind, how many peers, the links between them, the workload and the
 * churn. Immutable; {@link SimScenarios} names the standard ones.
 *
 * @param name the name the command takes
 * @param kind what is measured
 * @param peers population N (kept constant under churn)
 * @param latency one-way latency added to every link (chaos transport)
 * @param jitter uniform extra latency up to this much
 * @param operations DHT lookups or gossipsub messages measured
 * @param concurrency DHT lookups in flight at once
 * @param churn how peers come and go, if they do
 * @param badShare gossipsub: share of peers that silently drop every message
 * @param publishRate gossipsub: messages published per second
 * @param seed for every random choice the simulator makes (the hosts' own randomness is not seeded)
 * @param join how a DHT peer joins
 */
record SimScenario(
        String name,
        Kind kind,
        int peers,
        Duration latency,
        Duration jitter,
        int operations,
        int concurrency,
        Optional<SimChurn> churn,
        double badShare,
        double publishRate,
        long seed,
        Join join) {

    enum Kind {
        DHT,
        GOSSIP
    }

    /** How a DHT peer joins the network. */
    enum Join {
        /**
         * {@code KadDht.bootstrap}: connect to the seeds, look up its own key, then refresh every
         * bucket (a lookup of a random key in each), as go-libp2p does on start.
         */
        BOOTSTRAP,
        /**
         * Connect to the seeds and look up its own key only (the Kademlia paper's join); the far
         * buckets fill from the lookups that pass through the peer. An order of magnitude cheaper,
         * which is what makes 10,000 joins fit on two cores.
         */
        SELF_LOOKUP
    }

    SimScenario {
        if (peers < 2) {
            throw new IllegalArgumentException("a simulation needs at least 2 peers, not " + peers);
        }
        if (operations <= 0 || concurrency <= 0) {
            throw new IllegalArgumentException("operations and concurrency must be positive");
        }
        if (!(badShare >= 0 && badShare < 1)) {
            throw new IllegalArgumentException("badShare must be in [0, 1), not " + badShare);
        }
        if (!(publishRate > 0)) {
            throw new IllegalArgumentException("publishRate must be positive, not " + publishRate);
        }
    }

    static SimScenario dht(String name, int peers, int lookups) {
        return new SimScenario(
                name,
                Kind.DHT,
                peers,
                Duration.ofMillis(10),
                Duration.ofMillis(10),
                lookups,
                8,
                Optional.empty(),
                0,
                1,
                1,
                Join.BOOTSTRAP);
    }

    static SimScenario gossip(String name, int peers, int messages, double badShare) {
        return new SimScenario(
                name,
                Kind.GOSSIP,
                peers,
                Duration.ofMillis(10),
                Duration.ofMillis(10),
                messages,
                1,
                Optional.empty(),
                badShare,
                10,
                1,
                Join.BOOTSTRAP);
    }

    SimScenario withName(String value) {
        return new SimScenario(
                value, kind, peers, latency, jitter, operations, concurrency, churn, badShare, publishRate, seed, join);
    }

    SimScenario withPeers(int value) {
        return new SimScenario(
                name, kind, value, latency, jitter, operations, concurrency, churn, badShare, publishRate, seed, join);
    }

    SimScenario withOperations(int value) {
        return new SimScenario(
                name, kind, peers, latency, jitter, value, concurrency, churn, badShare, publishRate, seed, join);
    }

    SimScenario withConcurrency(int value) {
        return new SimScenario(
                name, kind, peers, latency, jitter, operations, value, churn, badShare, publishRate, seed, join);
    }

    SimScenario withChurn(SimChurn value) {
        return new SimScenario(
                name,
                kind,
                peers,
                latency,
                jitter,
                operations,
                concurrency,
                Optional.of(value),
                badShare,
                publishRate,
                seed,
                join);
    }

    SimScenario withLatency(Duration value, Duration jitterValue) {
        return new SimScenario(
                name,
                kind,
                peers,
                value,
                jitterValue,
                operations,
                concurrency,
                churn,
                badShare,
                publishRate,
                seed,
                join);
    }

    SimScenario withPublishRate(double value) {
        return new SimScenario(
                name, kind, peers, latency, jitter, operations, concurrency, churn, badShare, value, seed, join);
    }

    SimScenario withSeed(long value) {
        return new SimScenario(
                name, kind, peers, latency, jitter, operations, concurrency, churn, badShare, publishRate, value, join);
    }

    SimScenario withJoin(Join value) {
        return new SimScenario(
                name, kind, peers, latency, jitter, operations, concurrency, churn, badShare, publishRate, seed, value);
    }

    SimScenario withoutChurn() {
        return new SimScenario(
                name,
                kind,
                peers,
                latency,
                jitter,
                operations,
                concurrency,
                Optional.empty(),
                badShare,
                publishRate,
                seed,
                join);
    }
}
