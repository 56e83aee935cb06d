package io.servent.p2p.kad;

import static org.assertj.core.api.Assertions.assertThat;

import io.servent.p2p.api.Multihash;
import io.servent.p2p.api.PeerId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class KadProviderStoreTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Duration TTL = Duration.ofHours(48);
    private final Random random = new Random(3);

    private static byte[] key(String name) {
        return Multihash.sha256(name.getBytes(StandardCharsets.UTF_8)).bytes();
    }

    @Test
    void providersExpireAfter48HoursUnlessRenewed() {
        KadProviderStore store = new KadProviderStore(TTL, 100, 10, 10);
        PeerId a = TestPeers.random(random);
        PeerId b = TestPeers.random(random);
        assertThat(store.add(key("x"), a, T0)).isEmpty();
        assertThat(store.add(key("x"), b, T0.plus(Duration.ofHours(22)))).isEmpty();
        assertThat(store.providers(key("x"), T0.plus(Duration.ofHours(47)), 10)).containsExactly(b, a);
        assertThat(store.providers(key("x"), T0.plus(TTL), 10)).containsExactly(b);
        // a renews (as a republish every 22 h does) and is the most recent now.
        store.add(key("x"), a, T0.plus(Duration.ofHours(44)));
        assertThat(store.providers(key("x"), T0.plus(Duration.ofHours(60)), 10)).containsExactly(a, b);
        assertThat(store.expire(T0.plus(Duration.ofHours(71)))).isEqualTo(1);
        assertThat(store.size()).isEqualTo(1);
        assertThat(store.expire(T0.plus(Duration.ofHours(93)))).isEqualTo(1);
        assertThat(store.size()).isZero();
        assertThat(store.keyCount()).isZero();
    }

    @Test
    void oneProviderCannotClaimMoreThanItsShareOfKeys() {
        KadProviderStore store = new KadProviderStore(TTL, 100, 3, 10);
        PeerId greedy = TestPeers.random(random);
        for (int i = 0; i < 3; i++) {
            assertThat(store.add(key("k" + i), greedy, T0)).isEmpty();
        }
        assertThat(store.add(key("k3"), greedy, T0))
                .contains(greedy + " already provides 3 keys here (maxProviderKeysPerPeer = 3)");
        assertThat(store.add(key("k0"), greedy, T0.plusSeconds(1))).isEmpty(); // renewing is fine
    }

    @Test
    void aKeyKeepsItsMostRecentProvidersAndTheStoreIsBoundedInTotal() {
        KadProviderStore store = new KadProviderStore(TTL, 5, 10, 3);
        List<PeerId> peers = TestPeers.random(random, 6);
        for (int i = 0; i < 4; i++) {
            store.add(key("x"), peers.get(i), T0.plusSeconds(i));
        }
        assertThat(store.providers(key("x"), T0.plusSeconds(10), 10))
                .containsExactly(peers.get(3), peers.get(2), peers.get(1));
        assertThat(store.providers(key("x"), T0.plusSeconds(10), 2)).containsExactly(peers.get(3), peers.get(2));
        store.add(key("y"), peers.get(4), T0);
        store.add(key("z"), peers.get(4), T0);
        assertThat(store.size()).isEqualTo(5);
        assertThat(store.add(key("w"), peers.get(5), T0))
                .contains("provider store is full (5 entries, maxProviderEntries = 5)");
    }
}
