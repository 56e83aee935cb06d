package io.servent.p2p.kad;

import io.servent.p2p.api.PeerId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Cheap PeerIds for the sans-I/O tests: sha2-256-form ids from a seeded generator (no key generation). */
final class TestPeers {
    private TestPeers() {}

    static PeerId random(Random random) {
        byte[] id = new byte[34];
        random.nextBytes(id);
        id[0] = 0x12;
        id[1] = 0x20;
        return PeerId.fromBytes(id);
    }

    static List<PeerId> random(Random random, int n) {
        List<PeerId> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(random(random));
        }
        return out;
    }

    /** A random peer whose key shares exactly {@code cpl} leading bits with {@code self}'s. */
    static PeerId withCpl(PeerId self, int cpl, Random random) {
        KadKey selfKey = KadKey.of(self);
        while (true) {
            PeerId p = random(random);
            if (selfKey.commonPrefixLength(KadKey.of(p)) == cpl) {
                return p;
            }
        }
    }
}
