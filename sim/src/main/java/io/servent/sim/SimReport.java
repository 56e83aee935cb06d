package io.servent.sim;

import java.time.Duration;
import java.util.Locale;

/** What a scenario measured. Immutable. */
sealed interface SimReport permits SimReport.Dht, SimReport.Gossip {
    SimScenario scenario();

    Resources resources();

    /** Human-readable lines for the command's output. */
    String format();

    /**
     * Memory and CPU of the whole JVM, per simulated peer.
     *
     * @param peers population N
     * @param heapBytesPerPeer (heap after full GCs with the network up − before) / N
     * @param rssBytes the process's resident set at that moment
     * @param threads live platform threads (virtual ones are not counted by the JVM)
     * @param buildCpuMsPerPeer process CPU spent starting and joining the peers, per peer
     * @param runCpuMsPerPeerSecond process CPU in the measured phase, per peer and real second
     * @param buildWall how long starting and joining took
     * @param runWall how long the measured phase took
     */
    record Resources(
            int peers,
            long heapBytesPerPeer,
            long rssBytes,
            int threads,
            double buildCpuMsPerPeer,
            double runCpuMsPerPeerSecond,
            Duration buildWall,
            Duration runWall) {
        String format() {
            return String.format(
                    Locale.ROOT,
                    "  heap/peer %.1f KiB (total %.0f MiB, RSS %.0f MiB, %d platform threads)%n"
                            + "  CPU/peer: join %.1f ms, then %.2f ms per real second%n"
                            + "  wall: build %.1f s, run %.1f s",
                    heapBytesPerPeer / 1024.0,
                    heapBytesPerPeer * (double) peers / (1 << 20),
                    rssBytes / (double) (1 << 20),
                    threads,
                    buildCpuMsPerPeer,
                    runCpuMsPerPeerSecond,
                    buildWall.toMillis() / 1000.0,
                    runWall.toMillis() / 1000.0);
        }
    }

    /**
     * A DHT scenario: lookups of live peers' ids from random live peers.
     *
     * @param lookups lookups started
     * @param succeeded lookups whose result held the target
     * @param unfinished lookups still running twice their deadline after the phase (failures)
     * @param hops request round at which the target answered (successful lookups)
     * @param latencyMs wall time per lookup (all lookups)
     * @param requestsPerLookup mean requests a lookup sent
     * @param departures peers that left during the measured phase
     * @param joins replacements that joined during it
     * @param joinFailures joins (initial or replacement) that could not bootstrap
     * @param simulated simulated time the measured phase covered
     * @param meanTableSize mean routing-table size at the end
     */
    record Dht(
            SimScenario scenario,
            Resources resources,
            int lookups,
            int succeeded,
            int unfinished,
            Samples.Percentiles hops,
            Samples.Percentiles latencyMs,
            double requestsPerLookup,
            int departures,
            int joins,
            int joinFailures,
            Duration simulated,
            double meanTableSize)
            implements SimReport {
        double successRate() {
            return lookups == 0 ? 0 : succeeded / (double) lookups;
        }

        @Override
        public String format() {
            StringBuilder s = new StringBuilder();
            s.append(String.format(
                    Locale.ROOT,
                    "%s: DHT, N = %d, joined by %s%n  lookups %d, success %.2f%% (%d failed, %d of them unfinished)%n  hops %s%n  latency %s%n"
                            + "  messages/lookup %.1f, routing table %.1f peers on average%n",
                    scenario.name(),
                    resources.peers(),
                    scenario.join() == SimScenario.Join.BOOTSTRAP ? "bootstrap" : "self-lookup",
                    lookups,
                    100 * successRate(),
                    lookups - succeeded,
                    unfinished,
                    hops.format(""),
                    latencyMs.format(" ms"),
                    requestsPerLookup,
                    meanTableSize));
            if (scenario.churn().isPresent()) {
                double hours = simulated.toNanos() / 3.6e12;
                s.append(String.format(
                        Locale.ROOT,
                        "  churn: %.2f simulated h, %d left, %d joined (%.1f%% of N replaced per simulated hour), %d joins failed%n",
                        hours,
                        departures,
                        joins,
                        hours == 0 ? 0 : 100.0 * joins / resources.peers() / hours,
                        joinFailures));
            } else if (joinFailures > 0) {
                s.append(String.format(Locale.ROOT, "  %d joins failed%n", joinFailures));
            }
            s.append(resources.format());
            return s.toString();
        }
    }

    /**
     * A gossipsub scenario: messages published on one topic by honest peers.
     *
     * @param messages messages published
     * @param expected deliveries due: messages × (honest subscribers − the publisher)
     * @param delivered deliveries to honest peers' applications (each message once per peer)
     * @param latencyMs publish-to-delivery time of every delivery
     * @param duplicatesPerMessage duplicate receptions over the whole network per message
     * @param badPeers peers that silently dropped every message
     */
    record Gossip(
            SimScenario scenario,
            Resources resources,
            int messages,
            long expected,
            long delivered,
            Samples.Percentiles latencyMs,
            double duplicatesPerMessage,
            int badPeers)
            implements SimReport {
        double deliveryRatio() {
            return expected == 0 ? 0 : delivered / (double) expected;
        }

        @Override
        public String format() {
            return String.format(
                            Locale.ROOT,
                            "%s: gossipsub, N = %d, %d silently dropping%n  messages %d, delivery %.3f%% (%d of %d)%n"
                                    + "  latency %s%n  duplicates/message %.1f (%.2f per peer)%n",
                            scenario.name(),
                            resources.peers(),
                            badPeers,
                            messages,
                            100 * deliveryRatio(),
                            delivered,
                            expected,
                            latencyMs.format(" ms"),
                            duplicatesPerMessage,
                            duplicatesPerMessage / resources.peers())
                    + resources.format();
        }
    }
}
