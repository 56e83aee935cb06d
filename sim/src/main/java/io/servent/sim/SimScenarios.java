package io.servent.sim;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The named scenarios. The big ones are the issue's; the {@code -200} ones are small versions for
 * checking the harness in seconds (the tests run them). Immutable.
 */
final class SimScenarios {
    /** What {@code all} runs: the churn scenarios measure their network before churn too (dht-1k, dht-10k). */
    static final List<String> ALL = List.of("dht-1k-churn", "gossip-1k-bad10", "dht-10k-churn");

    private static final Map<String, SimScenario> BY_NAME = new LinkedHashMap<>();

    static {
        add(SimScenario.dht("dht-200", 200, 300));
        add(SimScenario.dht("dht-200-churn", 200, 300).withChurn(SimChurn.ipfsLike(Duration.ofHours(1), 240)));
        add(SimScenario.gossip("gossip-200-bad10", 200, 50, 0.1).withPublishRate(20));
        add(SimScenario.dht("dht-1k", 1_000, 1_000));
        add(SimScenario.dht("dht-1k-churn", 1_000, 1_000).withChurn(SimChurn.ipfsLike(Duration.ofHours(1), 30)));
        // 1 message/s: each is checked (Ed25519) and forwarded by all 1,000 peers; faster, the shared
        // cores queue them and the latency measures the machine, not gossipsub.
        add(SimScenario.gossip("gossip-1k-bad10", 1_000, 100, 0.1).withPublishRate(1));
        // Full bootstraps of 10,000 peers would take hours of CPU on two cores: they join by a self-lookup.
        add(SimScenario.dht("dht-10k", 10_000, 2_000).withJoin(SimScenario.Join.SELF_LOOKUP));
        add(SimScenario.dht("dht-10k-churn", 10_000, 2_000)
                .withJoin(SimScenario.Join.SELF_LOOKUP)
                .withChurn(SimChurn.ipfsLike(Duration.ofHours(1), 6)));
    }

    private SimScenarios() {}

    private static void add(SimScenario scenario) {
        BY_NAME.put(scenario.name(), scenario);
    }

    static Optional<SimScenario> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }
}
