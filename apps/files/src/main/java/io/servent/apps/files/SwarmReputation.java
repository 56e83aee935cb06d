package io.servent.apps.files;

import io.servent.p2p.api.PeerId;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What downloads have learned about peers: bytes of verified blocks they sent, bad blocks and
 * stalls. This run's record is in memory (on the hot path, at most {@link #MAX_PEERS} peers, least
 * recently touched forgotten first); every bad block and stall is also written to the {@link
 * ReputationStore} at once, and good blocks in batches ({@link #flush}), so search ranks a peer by
 * what downloads saw and a ban outlives a restart. A peer that ever sent a bad block is {@linkplain
 * #banned banned} from downloads. Thread-safe.
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

    private static final Logger log = LoggerFactory.getLogger(SwarmReputation.class);

    private final @Nullable ReputationStore store;
    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock: verified blocks per peer not yet written to the store.
    private final Map<PeerId, Long> unflushedGood = new HashMap<>();
    private final LinkedHashMap<PeerId, Standing> peers = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<PeerId, Standing> eldest) {
            return size() > MAX_PEERS;
        }
    };

    /** In memory only: what this run saw, forgotten at exit. */
    public SwarmReputation() {
        this(null);
    }

    public SwarmReputation(@Nullable ReputationStore store) {
        this.store = store;
    }

    public Optional<Standing> of(PeerId peer) {
        lock.lock();
        try {
            return Optional.ofNullable(peers.get(peer));
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code peer} ever sent a bad block, in this run or (with a store) any before. */
    public boolean banned(PeerId peer) {
        if (of(peer).map(r -> r.badBlocks() > 0).orElse(false)) {
            return true;
        }
        ReputationStore s = store;
        if (s == null) {
            return false;
        }
        try {
            return s.get(peer).badBlocks() > 0;
        } catch (IOException e) {
            return false; // an unreadable store must not stop downloads; this run's record still holds
        }
    }

    void verified(PeerId peer, long bytes) {
        lock.lock();
        try {
            update(peer, r -> new Standing(r.verifiedBytes() + bytes, r.badBlocks(), r.stalls()));
            if (store != null && (unflushedGood.containsKey(peer) || unflushedGood.size() < MAX_PEERS)) {
                unflushedGood.merge(peer, 1L, Long::sum);
            }
        } finally {
            lock.unlock();
        }
    }

    void badBlock(PeerId peer) {
        update(peer, r -> new Standing(r.verifiedBytes(), r.badBlocks() + 1, r.stalls()));
        persist(peer, "bad block", s -> s.recordBadBlock(peer));
    }

    void stalled(PeerId peer) {
        update(peer, r -> new Standing(r.verifiedBytes(), r.badBlocks(), r.stalls() + 1));
        persist(peer, "stall", s -> s.recordStall(peer));
    }

    /** Writes the verified blocks counted since the last flush to the store (downloads call it each second). */
    void flush() {
        if (store == null) {
            return;
        }
        Map<PeerId, Long> batch;
        lock.lock();
        try {
            if (unflushedGood.isEmpty()) {
                return;
            }
            batch = new HashMap<>(unflushedGood);
            unflushedGood.clear();
        } finally {
            lock.unlock();
        }
        batch.forEach((peer, blocks) -> persist(peer, "good blocks", s -> s.recordGoodBlocks(peer, blocks)));
    }

    private interface StoreWrite {
        void apply(ReputationStore store) throws IOException;
    }

    private void persist(PeerId peer, String what, StoreWrite write) {
        ReputationStore s = store;
        if (s == null) {
            return;
        }
        try {
            write.apply(s);
        } catch (IOException e) {
            log.warn("cannot record a {} of {} in the reputation store: {}", what, peer, e.getMessage());
        }
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
