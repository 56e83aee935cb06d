package io.servent.apps.files;

import io.servent.p2p.api.PeerId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What downloads have learned about peers in this run (in memory, on the hot path): bytes of verified blocks they sent, bad blocks and stalls.
 * A peer that ever sent a bad block is {@linkplain #banned banned} from downloads; other modules
 * (search ranking, the guard app) may read {@link #of}. In memory, at most {@link #MAX_PEERS} peers
 * (least recently touched forgotten first). Thread-safe.
 */
public final class SwarmReputation {
    public static final int MAX_PEERS = 10_000;

    /** One peer's record. */
    public record Standing(long verifiedBytes, int badBlocks, int stalls) {
        /** Crude but monotone: good bytes count, bad blocks dominate. */
        public double score() {
            return Math.log1p(verifiedBytes / 1e6) - 10.0 * badBlocks - 1.0 * stalls;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<PeerId, Standing> peers = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<PeerId, Standing> eldest) {
            return size() > MAX_PEERS;
        }
    };

    public Optional<Standing> of(PeerId peer) {
        lock.lock();
        try {
            return Optional.ofNullable(peers.get(peer));
        } finally {
            lock.unlock();
        }
    }

    public boolean banned(PeerId peer) {
        return of(peer).map(r -> r.badBlocks() > 0).orElse(false);
    }

    void verified(PeerId peer, long bytes) {
        update(peer, r -> new Standing(r.verifiedBytes() + bytes, r.badBlocks(), r.stalls()));
    }

    void badBlock(PeerId peer) {
        update(peer, r -> new Standing(r.verifiedBytes(), r.badBlocks() + 1, r.stalls()));
    }

    void stalled(PeerId peer) {
        update(peer, r -> new Standing(r.verifiedBytes(), r.badBlocks(), r.stalls() + 1));
    }

    private void update(PeerId peer, java.util.function.UnaryOperator<Standing> change) {
        lock.lock();
        try {
            peers.put(peer, change.apply(peers.getOrDefault(peer, new Standing(0, 0, 0))));
        } finally {
            lock.unlock();
        }
    }
}
