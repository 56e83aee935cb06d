package io.servent.apps.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.servent.p2p.api.PeerId;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class SwarmSchedulerTest {
    final PeerId a = PeerId.random();
    final PeerId b = PeerId.random();
    final PeerId c = PeerId.random();

    private static BitSet bits(int... indexes) {
        BitSet s = new BitSet();
        for (int i : indexes) {
            s.set(i);
        }
        return s;
    }

    @Test
    void picksTheRarestLeafFirst() {
        SwarmScheduler s = new SwarmScheduler(4, new BitSet(), false, new SplittableRandom(1));
        s.addPeer(a);
        s.addPeer(b);
        s.addPeer(c);
        s.setComplete(a);
        s.setHas(b, bits(0, 1, 2));
        s.setHas(c, bits(0, 1));
        // availability: 0→3, 1→3, 2→2, 3→1
        assertThat(s.next(a, 1)).containsExactly(3);
        assertThat(s.next(a, 1)).containsExactly(2);
        assertThat(s.next(c, 2)).containsExactlyInAnyOrder(0, 1);
    }

    @Test
    void sequentialModePicksInFileOrder() {
        SwarmScheduler s = new SwarmScheduler(5, bits(0), true, new SplittableRandom(1));
        s.addPeer(a);
        s.setComplete(a);
        assertThat(s.next(a, 3)).containsExactly(1, 2, 3);
    }

    /** What a resume relies on: a leaf recorded as done is never asked of anyone again. */
    @Test
    void leavesDoneWhenResumedAreNeverRequestedEvenInEndgame() {
        for (boolean sequential : new boolean[] {false, true}) {
            BitSet persisted = bits(0, 2, 3, 5, 8, 9);
            SwarmScheduler s = new SwarmScheduler(10, persisted, sequential, new SplittableRandom(7));
            s.addPeer(a);
            s.addPeer(b);
            s.addPeer(c);
            s.setComplete(a);
            s.setComplete(b);
            s.setHas(c, bits(0, 1, 2, 3, 4, 5));
            BitSet asked = new BitSet();
            // Far more requests than leaves: fresh picks first, then endgame duplicates, till dry.
            for (int round = 0; round < 20; round++) {
                for (PeerId peer : List.of(a, b, c)) {
                    s.next(peer, 3).forEach(asked::set);
                }
            }
            assertThat(asked.intersects(persisted))
                    .as("sequential=%s asked %s", sequential, asked)
                    .isFalse();
            assertThat(asked).as("sequential=%s", sequential).isEqualTo(bits(1, 4, 6, 7));
            assertThat(s.missing()).isEqualTo(4);
        }
    }

    @Test
    void endgameDuplicatesTheLastLeavesAndNamesPeersToCancel() {
        SwarmScheduler s = new SwarmScheduler(2, new BitSet(), false, new SplittableRandom(1));
        s.addPeer(a);
        s.addPeer(b);
        s.setComplete(a);
        s.setComplete(b);
        assertThat(s.next(a, 2)).containsExactlyInAnyOrder(0, 1);
        // Everything is requested: b gets duplicates rather than idling.
        assertThat(s.next(b, 2)).containsExactlyInAnyOrder(0, 1);
        assertThat(s.received(b, 0)).containsExactly(a);
        assertThat(s.outstanding(a)).isEqualTo(1);
        assertThat(s.received(a, 0)).isEmpty(); // a late duplicate
        assertThat(s.missing()).isEqualTo(1);
    }

    @Test
    void aLostPeersRequestsGoToOthersAndDontHaveIsRemembered() {
        SwarmScheduler s = new SwarmScheduler(3, new BitSet(), false, new SplittableRandom(1));
        s.addPeer(a);
        s.addPeer(b);
        s.setComplete(a);
        s.setHas(b, bits(0, 1, 2));
        List<Integer> fromA = s.next(a, 3);
        assertThat(fromA).hasSize(3);
        s.removePeer(a);
        s.dontHave(b, 2);
        assertThat(s.next(b, 3)).containsExactlyInAnyOrder(0, 1);
        assertThat(s.hasAnythingWanted(b)).isTrue();
        s.received(b, 0);
        s.received(b, 1);
        assertThat(s.hasAnythingWanted(b)).isFalse();
        assertThat(s.complete()).isFalse();
    }
}
