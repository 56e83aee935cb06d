package io.servent.p2p.kad;

import static org.assertj.core.api.Assertions.assertThat;

import io.servent.p2p.api.PeerId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The lookup state machine against a fake network of a thousand nodes, on a fake clock. */
@Timeout(60)
class KadLookupTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final int K = 20;

    private final long seed = System.nanoTime();
    private final Random random = new Random(seed);
    private final PeerId self = TestPeers.random(random);

    /**
     * Each node knows its 20 true nearest neighbours plus a random sample, as a healthy routing table
     * would, and answers with the k closest of those. Slow nodes never answer; failing ones error out.
     */
    private final class FakeNetwork {
        final List<PeerId> nodes;
        final Map<PeerId, KadKey> keys = new HashMap<>();
        final Map<PeerId, List<PeerId>> known = new HashMap<>();
        final Set<PeerId> slow = new HashSet<>();
        final Set<PeerId> failing = new HashSet<>();
        int maxInFlight;

        FakeNetwork(int n) {
            nodes = TestPeers.random(random, n);
            nodes.forEach(p -> keys.put(p, KadKey.of(p)));
            for (PeerId node : nodes) {
                List<PeerId> view = new ArrayList<>(sortedBy(key(node)).subList(1, 1 + K));
                for (int i = 0; i < 60; i++) {
                    view.add(nodes.get(random.nextInt(n)));
                }
                view.remove(node);
                known.put(node, view);
            }
        }

        KadKey key(PeerId p) {
            return java.util.Objects.requireNonNull(keys.get(p));
        }

        List<PeerId> sortedBy(KadKey target) {
            return nodes.stream()
                    .sorted(Comparator.comparing(this::key, target::compareDistance))
                    .toList();
        }

        List<PeerId> answer(PeerId node, KadKey target) {
            return java.util.Objects.requireNonNull(known.get(node)).stream()
                    .sorted(Comparator.comparing(this::key, target::compareDistance))
                    .limit(K)
                    .toList();
        }

        List<PeerId> seeds(KadKey target) {
            List<PeerId> sample = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                sample.add(nodes.get(random.nextInt(nodes.size())));
            }
            return sample.stream()
                    .distinct()
                    .sorted(Comparator.comparing(this::key, target::compareDistance))
                    .limit(K)
                    .toList();
        }

        /** Drives the lookup to its end; returns the fake time it took. */
        Duration run(KadLookup lookup, int allowedInFlight) {
            Instant now = T0;
            ArrayDeque<PeerId> answering = new ArrayDeque<>();

            Set<PeerId> inFlight = new HashSet<>();
            while (!lookup.isFinished(now)) {
                for (PeerId p : lookup.next(now)) {
                    assertThat(inFlight.add(p)).as("%s is asked only once", p).isTrue();
                    if (!slow.contains(p)) {
                        answering.add(p);
                    }
                }
                long waiting = inFlight.stream()
                        .filter(p -> lookup.state(p).orElseThrow() == KadLookup.State.IN_FLIGHT)
                        .count();
                maxInFlight = (int) Math.max(maxInFlight, waiting);
                assertThat(waiting).isLessThanOrEqualTo(allowedInFlight);
                if (answering.isEmpty()) {
                    now = lookup.nextWakeup(now);
                    continue;
                }
                now = now.plusMillis(5);
                PeerId p = answering.poll();
                if (failing.contains(p)) {
                    lookup.onFailure(p, now);
                } else {
                    lookup.onResponse(p, answer(p, lookup.target()), now);
                }
            }
            return Duration.between(T0, now);
        }
    }

    private KadLookup lookup(FakeNetwork net, KadKey target, int alpha, int paths) {
        return new KadLookup(target, self, net.seeds(target), K, alpha, paths, TIMEOUT, T0.plus(DEADLINE));
    }

    @Test
    void findsTheTrueKClosestInAFewRounds() {
        FakeNetwork net = new FakeNetwork(1000);
        for (int i = 0; i < 20; i++) {
            KadKey target = KadKey.of(TestPeers.random(random));
            KadLookup lookup = lookup(net, target, 3, 1);
            net.run(lookup, 3);

            assertThat(lookup.closest())
                    .as("seed %d", seed)
                    .containsExactlyElementsOf(net.sortedBy(target).subList(0, K));
            KadLookup.Stats stats = lookup.stats();
            assertThat(stats.hops()).isBetween(1, 6);
            assertThat(stats.requests()).isLessThan(120);
            assertThat(stats.failed() + stats.timedOut()).isZero();
        }
        assertThat(net.maxInFlight).isEqualTo(3);
    }

    @Test
    void slowAndFailingPeersAreSkippedWithoutStallingTheLookup() {
        FakeNetwork net = new FakeNetwork(1000);
        for (PeerId p : net.nodes) {
            int r = random.nextInt(10);
            if (r == 0) {
                net.slow.add(p);
            } else if (r == 1) {
                net.failing.add(p);
            }
        }
        int skipped = 0;
        List<Duration> durations = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            KadKey target = KadKey.of(TestPeers.random(random));
            KadLookup lookup = lookup(net, target, 3, 1);
            Duration took = net.run(lookup, K); // slow requests give up their α slot
            durations.add(took);

            List<PeerId> responsive = net.sortedBy(target).stream()
                    .filter(p -> !net.slow.contains(p) && !net.failing.contains(p))
                    .limit(K)
                    .toList();
            // The nearest answering peers are found; the farthest few of the k may be known only to the
            // bad peers of this sparse fake network, so only the nearest ten are certain.
            assertThat(lookup.closest())
                    .as("seed %d", seed)
                    .hasSize(K)
                    .startsWith(responsive.subList(0, 10).toArray(PeerId[]::new));
            assertThat(lookup.closest()).doesNotContainAnyElementsOf(net.slow).doesNotContainAnyElementsOf(net.failing);
            skipped += lookup.stats().timedOut() + lookup.stats().failed();
        }
        assertThat(skipped).as("the lookups met bad peers").isPositive();
        durations.sort(null);
        System.out.println("lookups with 10% silent and 10% failing peers (10 s timeout), fake time: median "
                + durations.get(durations.size() / 2).toMillis() + " ms, max "
                + durations.getLast().toMillis() + " ms");
        // A silent peer among the k closest holds the end for one timeout (the spec waits for the k
        // closest); one found later may cost another, but lookups end by themselves, never at the deadline.
        assertThat(durations.get(durations.size() / 2)).isLessThanOrEqualTo(TIMEOUT.multipliedBy(2));
        assertThat(durations.getLast()).isLessThan(DEADLINE);
    }

    @Test
    void aSlowRequestGivesUpItsSlotAfterAQuarterOfItsTimeout() {
        List<PeerId> seeds = TestPeers.random(random, 6);
        KadLookup lookup =
                new KadLookup(KadKey.of(TestPeers.random(random)), self, seeds, K, 3, 1, TIMEOUT, T0.plus(DEADLINE));
        assertThat(lookup.next(T0)).hasSize(3);
        Instant slow = T0.plus(TIMEOUT.dividedBy(4));
        assertThat(lookup.nextWakeup(T0)).isEqualTo(slow);
        assertThat(lookup.next(slow.minusMillis(1))).isEmpty();
        assertThat(lookup.next(slow)).hasSize(3);
        assertThat(lookup.nextWakeup(slow)).isEqualTo(slow.plus(TIMEOUT.dividedBy(4)));
        // The first three are still awaited: an answer from one of them counts.
        lookup.onResponse(seeds.get(0), List.of(), slow.plusMillis(1));
        assertThat(lookup.stats().succeeded()).isEqualTo(1);
    }

    @Test
    void aNetworkThatNeverAnswersEndsAtTheDeadline() {
        FakeNetwork net = new FakeNetwork(200);
        net.slow.addAll(net.nodes);
        KadKey target = KadKey.of(TestPeers.random(random));
        KadLookup lookup = lookup(net, target, 3, 1);
        Duration took = net.run(lookup, K);
        assertThat(lookup.closest()).isEmpty();
        assertThat(took).isLessThanOrEqualTo(DEADLINE);
        // Slow requests free their slots, so every seed is asked before the deadline; none answers.
        assertThat(lookup.stats().requests()).isEqualTo(K);
        assertThat(lookup.stats().succeeded()).isZero();
        assertThat(lookup.stats().timedOut()).isEqualTo(K);
    }

    @Test
    void aTimedOutPeerThatAnswersLateStillCounts() {
        PeerId a = TestPeers.random(random);
        PeerId b = TestPeers.random(random);
        KadLookup lookup = new KadLookup(
                KadKey.of(TestPeers.random(random)), self, List.of(a), K, 3, 1, TIMEOUT, T0.plus(DEADLINE));
        assertThat(lookup.next(T0)).containsExactly(a);
        assertThat(lookup.next(T0.plus(TIMEOUT))).isEmpty();
        assertThat(lookup.state(a)).contains(KadLookup.State.TIMED_OUT);
        assertThat(lookup.isFinished(T0.plus(TIMEOUT))).isTrue();

        lookup.onResponse(a, List.of(b, self), T0.plus(TIMEOUT).plusSeconds(1));
        assertThat(lookup.state(a)).contains(KadLookup.State.SUCCEEDED);
        assertThat(lookup.state(self)).isEmpty(); // never asks itself
        assertThat(lookup.next(T0.plus(TIMEOUT).plusSeconds(1))).containsExactly(b);
    }

    @Test
    void responsesFromPeersNeverAskedAreIgnored() {
        PeerId a = TestPeers.random(random);
        PeerId stranger = TestPeers.random(random);
        KadLookup lookup = new KadLookup(
                KadKey.of(TestPeers.random(random)), self, List.of(a), K, 3, 1, TIMEOUT, T0.plus(DEADLINE));
        lookup.next(T0);
        lookup.onResponse(stranger, TestPeers.random(random, 5), T0);
        assertThat(lookup.state(stranger)).isEmpty();
        assertThat(lookup.stats().succeeded()).isZero();
    }

    @Test
    void cancelStopsAtOnce() {
        FakeNetwork net = new FakeNetwork(200);
        KadLookup lookup = lookup(net, KadKey.of(TestPeers.random(random)), 3, 1);
        assertThat(lookup.next(T0)).hasSize(3);
        lookup.cancel();
        assertThat(lookup.isFinished(T0)).isTrue();
        assertThat(lookup.next(T0)).isEmpty();
    }

    @Test
    void candidatesAreBoundedWhateverPeersAnswer() {
        PeerId a = TestPeers.random(random);
        KadLookup lookup = new KadLookup(
                KadKey.of(TestPeers.random(random)), self, List.of(a), K, 3, 1, TIMEOUT, T0.plus(DEADLINE));
        lookup.next(T0);
        lookup.onResponse(a, TestPeers.random(random, 1000), T0);
        assertThat(lookup.candidateCount()).isEqualTo(KadLookup.MAX_CANDIDATES_PER_K * K);
        assertThat(lookup.next(T0)).hasSize(3);
    }

    @Test
    void aPeerBelongsToThePathThatHeardOfItFirst() {
        KadKey target = KadKey.of(TestPeers.random(random));
        List<PeerId> seeds = TestPeers.random(random, 2).stream()
                .sorted(Comparator.comparing(KadKey::of, target::compareDistance))
                .toList();
        PeerId shared = TestPeers.random(random);
        PeerId onlyB = TestPeers.random(random);
        KadLookup lookup = new KadLookup(target, self, seeds, K, 3, 2, TIMEOUT, T0.plus(DEADLINE));
        assertThat(lookup.pathOf(seeds.get(0))).contains(0);
        assertThat(lookup.pathOf(seeds.get(1))).contains(1);
        assertThat(lookup.next(T0)).containsExactlyInAnyOrderElementsOf(seeds);

        lookup.onResponse(seeds.get(0), List.of(shared), T0);
        lookup.onResponse(seeds.get(1), List.of(shared, onlyB), T0);

        assertThat(lookup.pathOf(shared)).contains(0);
        assertThat(lookup.pathOf(onlyB)).contains(1);
    }

    @Test
    void disjointPathsNeverShareAPeerAndStillFindTheClosest() {
        FakeNetwork net = new FakeNetwork(1000);
        // A tenth of the network lies: it answers with itself and other liars only.
        List<PeerId> liars = new ArrayList<>();
        for (PeerId p : net.nodes) {
            if (random.nextInt(10) == 0) {
                liars.add(p);
            }
        }
        for (PeerId liar : liars) {
            net.known.put(liar, liars.stream().filter(l -> !l.equals(liar)).toList());
        }
        for (int i = 0; i < 10; i++) {
            KadKey target = KadKey.of(TestPeers.random(random));
            KadLookup lookup = lookup(net, target, 3, 4);
            net.run(lookup, 12); // run() asserts every peer is asked at most once overall
            List<PeerId> honest = net.sortedBy(target).stream()
                    .filter(p -> !liars.contains(p))
                    .limit(10)
                    .toList();
            assertThat(lookup.closest()).as("seed %d", seed).containsAll(honest);
        }
    }
}
