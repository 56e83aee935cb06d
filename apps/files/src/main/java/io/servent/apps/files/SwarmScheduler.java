package io.servent.apps.files;

import io.servent.p2p.api.PeerId;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The piece picker of one download, sans-I/O: which leaves each peer has (bitfields and
 * announcements), which are done, which are requested from whom; it answers "what should this peer
 * be asked for next?".
 *
 * <ul>
 *   <li>Rarest first: among leaves the peer has that nobody has been asked for, the ones fewest
 *       peers have (ties broken at random, so downloaders of one file spread their requests).
 *   <li>Sequential mode (streaming): the lowest such leaf instead.
 *   <li>Endgame: once every missing leaf is requested from someone, a peer with spare pipeline gets
 *       duplicates of the leaves requested least (at most {@link #MAX_DUPLICATES} peers per leaf); the
 *       first copy to arrive wins and the caller cancels the rest ({@link #received}).
 * </ul>
 *
 * <p>Not thread-safe: the download guards it with its lock.
 */
final class SwarmScheduler {
    /** In endgame, a leaf is asked of at most this many peers at once. */
    static final int MAX_DUPLICATES = 3;

    private final int leaves;
    private final BitSet done;
    private final boolean sequential;
    private final RandomGenerator random;
    private final int[] availability;
    private final int[] requests;
    private final Map<PeerId, PeerState> peers = new HashMap<>();
    private int missing;
    private int unrequestedMissing;

    private static final class PeerState {
        boolean complete;
        final BitSet has = new BitSet();
        final BitSet outstanding = new BitSet();
    }

    SwarmScheduler(int leaves, BitSet done, boolean sequential, RandomGenerator random) {
        this.leaves = leaves;
        this.done = (BitSet) done.clone();
        this.sequential = sequential;
        this.random = random;
        this.availability = new int[leaves];
        this.requests = new int[leaves];
        this.missing = leaves - this.done.cardinality();
        this.unrequestedMissing = missing;
    }

    int leaves() {
        return leaves;
    }

    boolean isDone(int index) {
        return done.get(index);
    }

    boolean complete() {
        return missing == 0;
    }

    int missing() {
        return missing;
    }

    BitSet done() {
        return (BitSet) done.clone();
    }

    void addPeer(PeerId peer) {
        peers.putIfAbsent(peer, new PeerState());
    }

    /** Forgets the peer; its outstanding requests become requestable again. */
    void removePeer(PeerId peer) {
        PeerState p = peers.remove(peer);
        if (p == null) {
            return;
        }
        for (int i = p.outstanding.nextSetBit(0); i >= 0; i = p.outstanding.nextSetBit(i + 1)) {
            unrequest(i);
        }
        if (p.complete) {
            for (int i = 0; i < leaves; i++) {
                availability[i]--;
            }
        } else {
            for (int i = p.has.nextSetBit(0); i >= 0; i = p.has.nextSetBit(i + 1)) {
                availability[i]--;
            }
        }
    }

    void setComplete(PeerId peer) {
        PeerState p = state(peer);
        if (p.complete) {
            return;
        }
        for (int i = 0; i < leaves; i++) {
            if (!p.has.get(i)) {
                availability[i]++;
            }
        }
        p.complete = true;
        p.has.clear();
    }

    void setHas(PeerId peer, BitSet bits) {
        for (int i = bits.nextSetBit(0); i >= 0 && i < leaves; i = bits.nextSetBit(i + 1)) {
            addHave(peer, i);
        }
    }

    void addHave(PeerId peer, int index) {
        PeerState p = state(peer);
        if (index < 0 || index >= leaves || p.complete || p.has.get(index)) {
            return;
        }
        p.has.set(index);
        availability[index]++;
    }

    /** The peer said it does not have the leaf after all: forget the have and the request. */
    void dontHave(PeerId peer, int index) {
        PeerState p = peers.get(peer);
        if (p == null || index < 0 || index >= leaves) {
            return;
        }
        if (p.outstanding.get(index)) {
            p.outstanding.clear(index);
            unrequest(index);
        }
        if (p.complete) {
            // It claimed everything; now it only claims everything else.
            p.complete = false;
            p.has.set(0, leaves);
        }
        if (p.has.get(index)) {
            p.has.clear(index);
            availability[index]--;
        }
    }

    boolean hasAnythingWanted(PeerId peer) {
        PeerState p = peers.get(peer);
        if (p == null) {
            return false;
        }
        if (p.complete) {
            return missing > 0;
        }
        BitSet wanted = (BitSet) p.has.clone();
        wanted.andNot(done);
        return !wanted.isEmpty();
    }

    int outstanding(PeerId peer) {
        PeerState p = peers.get(peer);
        return p == null ? 0 : p.outstanding.cardinality();
    }

    List<Integer> outstandingOf(PeerId peer) {
        PeerState p = peers.get(peer);
        List<Integer> out = new ArrayList<>();
        if (p != null) {
            p.outstanding.stream().forEach(out::add);
        }
        return out;
    }

    boolean isOutstanding(PeerId peer, int index) {
        PeerState p = peers.get(peer);
        return p != null && p.outstanding.get(index);
    }

    /** Picks up to {@code max} leaves to ask {@code peer} for and records them as requested from it. */
    List<Integer> next(PeerId peer, int max) {
        PeerState p = peers.get(peer);
        List<Integer> picked = new ArrayList<>();
        if (p == null || max <= 0 || missing == 0) {
            return picked;
        }
        while (picked.size() < max) {
            int index = unrequestedMissing > 0 ? pickFresh(p) : -1;
            if (index < 0) {
                index = pickEndgame(p);
            }
            if (index < 0) {
                break;
            }
            request(p, index);
            picked.add(index);
        }
        return picked;
    }

    /** Rarest (or, sequentially, lowest) missing leaf the peer has that nobody was asked for. */
    private int pickFresh(PeerState p) {
        int best = -1;
        int bestAvailability = Integer.MAX_VALUE;
        int ties = 0;
        for (int i = done.nextClearBit(0); i < leaves; i = done.nextClearBit(i + 1)) {
            if (requests[i] > 0 || !(p.complete || p.has.get(i))) {
                continue;
            }
            if (sequential) {
                return i;
            }
            int a = availability[i];
            if (a < bestAvailability) {
                best = i;
                bestAvailability = a;
                ties = 1;
            } else if (a == bestAvailability && random.nextInt(++ties) == 0) {
                best = i;
            }
        }
        return best;
    }

    /** Endgame: a missing leaf the peer has and was not asked for, requested by the fewest others. */
    private int pickEndgame(PeerState p) {
        int best = -1;
        int bestRequests = MAX_DUPLICATES;
        for (int i = done.nextClearBit(0); i < leaves; i = done.nextClearBit(i + 1)) {
            if (p.outstanding.get(i) || !(p.complete || p.has.get(i))) {
                continue;
            }
            if (requests[i] < bestRequests) {
                best = i;
                bestRequests = requests[i];
                if (sequential || bestRequests == 0) {
                    break;
                }
            }
        }
        return best;
    }

    /**
     * Records that {@code index} arrived (verified) from {@code peer}.
     *
     * @return the other peers that were also asked for it (to cancel), or null if it was done already
     */
    List<PeerId> received(PeerId peer, int index) {
        if (done.get(index)) {
            PeerState p = peers.get(peer);
            if (p != null && p.outstanding.get(index)) {
                p.outstanding.clear(index);
                requests[index]--;
            }
            return List.of();
        }
        List<PeerId> others = new ArrayList<>();
        for (Map.Entry<PeerId, PeerState> e : peers.entrySet()) {
            if (e.getValue().outstanding.get(index)) {
                e.getValue().outstanding.clear(index);
                if (!e.getKey().equals(peer)) {
                    others.add(e.getKey());
                }
            }
        }
        if (requests[index] == 0) {
            unrequestedMissing--;
        }
        requests[index] = 0;
        done.set(index);
        missing--;
        return others;
    }

    private void request(PeerState p, int index) {
        if (requests[index] == 0) {
            unrequestedMissing--;
        }
        requests[index]++;
        p.outstanding.set(index);
    }

    private void unrequest(int index) {
        requests[index]--;
        if (requests[index] == 0 && !done.get(index)) {
            unrequestedMissing++;
        }
    }

    private PeerState state(PeerId peer) {
        return peers.computeIfAbsent(peer, k -> new PeerState());
    }
}
