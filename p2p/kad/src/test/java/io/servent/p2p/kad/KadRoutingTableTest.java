package io.servent.p2p.kad;

import static org.assertj.core.api.Assertions.assertThat;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.PeerId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class KadRoutingTableTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Duration LIVENESS = Duration.ofMinutes(1);
    private static final long[] NO_GROUPS = KadIpGroups.NONE;

    private final Random random = new Random(42);
    private final PeerId self = TestPeers.random(random);

    private KadRoutingTable table(int k, int cache) {
        return new KadRoutingTable(self, k, cache, 2, KadIpDiversity.unlimited(), LIVENESS);
    }

    @Test
    void peersLandInTheBucketOfTheirCommonPrefixLength() {
        KadRoutingTable table = table(20, 5);
        for (int cpl = 0; cpl < 6; cpl++) {
            for (int i = 0; i < cpl + 1; i++) {
                assertThat(table.offer(TestPeers.withCpl(self, cpl, random), NO_GROUPS, T0))
                        .isInstanceOf(KadRoutingTable.Insertion.Added.class);
            }
        }
        assertThat(table.bucketSizes()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(table.size()).isEqualTo(21);
        assertThat(table.offer(self, NO_GROUPS, T0)).isInstanceOf(KadRoutingTable.Insertion.Rejected.class);
    }

    @Test
    void aFullBucketKeepsFreshMembersAndCachesTheNewcomer() {
        KadRoutingTable table = table(3, 2);
        List<PeerId> members = fillBucket(table, 0, 3, T0);
        PeerId newcomer = TestPeers.withCpl(self, 0, random);

        // The least recently seen member was heard from 10 s ago: no check, the newcomer waits.
        KadRoutingTable.Insertion insertion = table.offer(newcomer, NO_GROUPS, T0.plusSeconds(10));

        assertThat(insertion).isEqualTo(new KadRoutingTable.Insertion.Pending(newcomer, Optional.empty()));
        assertThat(table.peers()).containsExactlyInAnyOrderElementsOf(members);
    }

    @Test
    void aStaleMemberIsCheckedAndKeepsItsSlotIfAlive() {
        KadRoutingTable table = table(3, 2);
        List<PeerId> members = fillBucket(table, 0, 3, T0);
        PeerId newcomer = TestPeers.withCpl(self, 0, random);
        Instant later = T0.plus(LIVENESS).plusSeconds(1);

        KadRoutingTable.Insertion insertion = table.offer(newcomer, NO_GROUPS, later);

        assertThat(insertion).isEqualTo(new KadRoutingTable.Insertion.Pending(newcomer, Optional.of(members.get(0))));
        // While the check runs, further newcomers do not start a second one.
        PeerId another = TestPeers.withCpl(self, 0, random);
        assertThat(table.offer(another, NO_GROUPS, later))
                .isEqualTo(new KadRoutingTable.Insertion.Pending(another, Optional.empty()));

        assertThat(table.livenessChecked(members.get(0), true, later)).isEmpty();
        assertThat(table.peers()).containsExactlyInAnyOrderElementsOf(members);
        // It is now the most recently seen, so the next stale one is checked next.
        PeerId third = TestPeers.withCpl(self, 0, random);
        assertThat(table.offer(third, NO_GROUPS, later))
                .isEqualTo(new KadRoutingTable.Insertion.Pending(third, Optional.of(members.get(1))));
    }

    @Test
    void aDeadMemberIsEvictedAndTheFreshestCandidateTakesItsSlot() {
        KadRoutingTable table = table(3, 2);
        List<PeerId> members = fillBucket(table, 0, 3, T0);
        Instant later = T0.plus(LIVENESS).plusSeconds(1);
        PeerId older = TestPeers.withCpl(self, 0, random);
        PeerId newer = TestPeers.withCpl(self, 0, random);
        table.offer(older, NO_GROUPS, later);
        table.offer(newer, NO_GROUPS, later.plusSeconds(1));

        Optional<PeerId> promoted = table.livenessChecked(members.get(0), false, later.plusSeconds(2));

        assertThat(promoted).contains(newer);
        assertThat(table.contains(members.get(0))).isFalse();
        assertThat(table.peers()).containsExactlyInAnyOrder(members.get(1), members.get(2), newer);
        // The other candidate is still cached and replaces the next evicted member.
        assertThat(table.remove(members.get(1))).contains(older);
    }

    @Test
    void theReplacementCacheIsBoundedAndDropsItsOldest() {
        KadRoutingTable table = table(2, 2);
        List<PeerId> members = fillBucket(table, 0, 2, T0);
        List<PeerId> candidates = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            PeerId c = TestPeers.withCpl(self, 0, random);
            candidates.add(c);
            table.offer(c, NO_GROUPS, T0.plusSeconds(i));
        }
        assertThat(table.remove(members.get(0))).contains(candidates.get(4));
        assertThat(table.remove(members.get(1))).contains(candidates.get(3));
        assertThat(table.remove(candidates.get(4))).isEmpty();
    }

    @Test
    void repeatedRequestFailuresEvictAMember() {
        KadRoutingTable table = table(20, 2);
        PeerId peer = TestPeers.random(random);
        table.offer(peer, NO_GROUPS, T0);
        assertThat(table.recordFailure(peer)).isEmpty();
        assertThat(table.contains(peer)).isTrue();
        table.recordSuccess(peer, T0.plusSeconds(1)); // a success resets the count
        table.recordFailure(peer);
        assertThat(table.contains(peer)).isTrue();
        table.recordFailure(peer);
        assertThat(table.contains(peer)).isFalse();
    }

    @Test
    void closestIsSortedByXorDistanceAndHonoursExclusions() {
        KadRoutingTable table = table(20, 2);
        List<PeerId> peers = TestPeers.random(random, 300);
        peers.forEach(p -> table.offer(p, NO_GROUPS, T0));
        List<PeerId> members = table.peers();
        PeerId targetPeer = TestPeers.random(random);
        KadKey target = KadKey.of(targetPeer);
        List<PeerId> expected = members.stream()
                .sorted(Comparator.comparing(KadKey::of, target::compareDistance))
                .limit(20)
                .toList();

        assertThat(table.closest(target, 20)).containsExactlyElementsOf(expected);
        assertThat(table.closest(target, 20, expected.get(0)::equals))
                .doesNotContain(expected.get(0))
                .hasSize(20)
                .startsWith(expected.get(1));
    }

    @Test
    void ipDiversityLimitsPeersPerBucketAndPerTableIncludingLoopbackWhenNotExempt() {
        KadIpDiversity limits = new KadIpDiversity(2, 3, false);
        KadRoutingTable table = new KadRoutingTable(self, 20, 5, 2, limits, LIVENESS);
        long[] sameSlash24 = groups("/ip4/127.0.0.1/tcp/4001");
        long[] alsoSameSlash24 = groups("/ip4/127.0.0.200/tcp/4001");
        long[] otherSlash24 = groups("/ip4/127.0.1.1/tcp/4001");
        assertThat(sameSlash24).isEqualTo(alsoSameSlash24).isNotEqualTo(otherSlash24);

        assertThat(table.offer(TestPeers.withCpl(self, 0, random), sameSlash24, T0))
                .isInstanceOf(KadRoutingTable.Insertion.Added.class);
        assertThat(table.offer(TestPeers.withCpl(self, 0, random), alsoSameSlash24, T0))
                .isInstanceOf(KadRoutingTable.Insertion.Added.class);
        KadRoutingTable.Insertion third = table.offer(TestPeers.withCpl(self, 0, random), sameSlash24, T0);
        assertThat(third).isInstanceOf(KadRoutingTable.Insertion.Rejected.class);
        assertThat(((KadRoutingTable.Insertion.Rejected) third).reason())
                .isEqualTo("IP group 127.0.0.0/24 already has 2 peers in bucket 0 (maxPerBucket = 2)");
        assertThat(table.offer(TestPeers.withCpl(self, 0, random), otherSlash24, T0))
                .isInstanceOf(KadRoutingTable.Insertion.Added.class);

        assertThat(table.offer(TestPeers.withCpl(self, 1, random), sameSlash24, T0))
                .isInstanceOf(KadRoutingTable.Insertion.Added.class);
        KadRoutingTable.Insertion fourth = table.offer(TestPeers.withCpl(self, 2, random), sameSlash24, T0);
        assertThat(((KadRoutingTable.Insertion.Rejected) fourth).reason())
                .isEqualTo("IP group 127.0.0.0/24 already has 3 peers in the routing table (maxPerTable = 3)");
        // A peer with an address in a full group is refused even if its other address is fine.
        long[] twoGroups = groups("/ip4/127.0.1.9/tcp/1", "/ip4/127.0.0.9/tcp/1");
        assertThat(table.offer(TestPeers.withCpl(self, 3, random), twoGroups, T0))
                .isInstanceOf(KadRoutingTable.Insertion.Rejected.class);
    }

    @Test
    void ipGroupsAreSlash24AndSlash48AndSkipNonPublicAddressesWhenExempt() {
        assertThat(KadIpGroups.describe(groups("/ip4/203.0.113.77/tcp/1")[0])).isEqualTo("203.0.113.0/24");
        assertThat(KadIpGroups.describe(groups("/ip6/2001:db8:1:2::1/tcp/1")[0]))
                .isEqualTo("2001:0db8:0001::/48");
        assertThat(groups("/ip6/2001:db8:1:2::1/tcp/1")).isEqualTo(groups("/ip6/2001:db8:1:ffff::9/udp/1"));
        List<Multiaddr> lan = List.of(
                Multiaddr.parse("/ip4/127.0.0.1/tcp/1"),
                Multiaddr.parse("/ip4/192.168.1.5/tcp/1"),
                Multiaddr.parse("/ip4/10.1.2.3/tcp/1"),
                Multiaddr.parse("/ip6/fd00::1/tcp/1"),
                Multiaddr.parse("/ip6/fe80::1/tcp/1"),
                Multiaddr.parse("/ip4/100.64.1.1/tcp/1"),
                Multiaddr.parse("/memory/7"),
                Multiaddr.parse("/dns4/example.com/tcp/1"));
        assertThat(KadIpGroups.of(lan, true)).isEmpty();
        assertThat(KadIpGroups.of(lan, false)).hasSize(6);
    }

    @Test
    void publicPeersFromOneSlash24CannotFillTheTableByDefault() {
        KadRoutingTable table = new KadRoutingTable(self, 20, 5, 2, KadIpDiversity.defaults(), LIVENESS);
        int added = 0;
        for (int i = 1; i <= 50; i++) {
            long[] g = groups("/ip4/198.51.100." + i + "/tcp/4001");
            if (table.offer(TestPeers.random(random), g, T0) instanceof KadRoutingTable.Insertion.Added) {
                added++;
            }
        }
        assertThat(added).isEqualTo(KadIpDiversity.defaults().maxPerTable());
    }

    @Test
    void bucketsAreRefreshedUpToOnePastTheDeepestAndRandomKeysFallInThem() {
        KadRoutingTable table = table(20, 2);
        for (int cpl = 0; cpl <= 3; cpl++) {
            table.offer(TestPeers.withCpl(self, cpl, random), NO_GROUPS, T0);
        }
        Duration interval = Duration.ofMinutes(10);
        assertThat(table.bucketsToRefresh(T0, interval)).containsExactly(0, 1, 2, 3, 4);
        for (int cpl : table.bucketsToRefresh(T0, interval)) {
            byte[] key = table.randomKeyInBucket(cpl, random);
            assertThat(table.selfKey().commonPrefixLength(KadKey.of(key))).isEqualTo(cpl);
            assertThat(PeerId.fromBytes(key)).isNotNull();
            table.markLookup(KadKey.of(key), T0.plusSeconds(1));
        }
        assertThat(table.bucketsToRefresh(T0.plusSeconds(60), interval)).isEmpty();
        assertThat(table.bucketsToRefresh(T0.plus(interval).plusSeconds(2), interval))
                .containsExactly(0, 1, 2, 3, 4);
        byte[] deep = table.randomKeyInBucket(KadRoutingTable.MAX_REFRESH_CPL, random);
        assertThat(table.selfKey().commonPrefixLength(KadKey.of(deep))).isEqualTo(KadRoutingTable.MAX_REFRESH_CPL);
    }

    @Test
    void stalePeersAreThoseNotHeardFromRecently() {
        KadRoutingTable table = table(20, 2);
        PeerId old = TestPeers.random(random);
        PeerId fresh = TestPeers.random(random);
        table.offer(old, NO_GROUPS, T0);
        table.offer(fresh, NO_GROUPS, T0.plusSeconds(600));
        assertThat(table.stalePeers(T0.plusSeconds(700), Duration.ofMinutes(5))).containsExactly(old);
    }

    @Test
    void networkSizeEstimateIsWithinAFactorOfTwoOfTheTruth() {
        for (int n : new int[] {1_000, 20_000}) {
            List<PeerId> network = TestPeers.random(random, n);
            KadKey selfKey = KadKey.of(self);
            KadRoutingTable table = table(20, 2);
            // After a self-lookup the table holds the true k closest peers (and a sample of the rest).
            network.stream()
                    .sorted(Comparator.comparing(KadKey::of, selfKey::compareDistance))
                    .limit(20)
                    .forEach(p -> table.offer(p, NO_GROUPS, T0));
            network.stream().limit(200).forEach(p -> table.offer(p, NO_GROUPS, T0));
            long estimate = table.estimateNetworkSize();
            System.out.println("network of " + n + " estimated at " + estimate);
            assertThat(estimate).isBetween(n / 2L, n * 2L);
        }
    }

    private List<PeerId> fillBucket(KadRoutingTable table, int cpl, int n, Instant at) {
        List<PeerId> members = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            PeerId p = TestPeers.withCpl(self, cpl, random);
            assertThat(table.offer(p, NO_GROUPS, at)).isInstanceOf(KadRoutingTable.Insertion.Added.class);
            members.add(p);
        }
        return members;
    }

    private static long[] groups(String... addresses) {
        return KadIpGroups.of(
                java.util.Arrays.stream(addresses).map(Multiaddr::parse).toList(), false);
    }
}
