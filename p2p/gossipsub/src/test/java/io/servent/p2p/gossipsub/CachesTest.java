package io.servent.p2p.gossipsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.servent.p2p.api.PeerId;
import io.servent.p2p.gossipsub.proto.GossipsubProto.Message;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The seen cache, message cache and IWANT promises on their own. */
@Timeout(30)
class CachesTest {
    private static MessageId id(int n) {
        return MessageId.of(new byte[] {(byte) n});
    }

    @Test
    void seenIdsExpireAfterTheirTtlAndTheCacheIsBounded() {
        SeenCache seen = new SeenCache(1000, 1024);
        assertThat(seen.add(id(1), 0)).isTrue();
        assertThat(seen.add(id(1), 10)).isFalse();
        seen.add(id(2), 500);
        seen.prune(999);
        assertThat(seen.contains(id(1))).isTrue();
        seen.prune(1000);
        assertThat(seen.contains(id(1))).isFalse();
        assertThat(seen.contains(id(2))).isTrue();

        SeenCache small = new SeenCache(1000, 1024);
        for (int i = 0; i < 2000; i++) {
            small.add(MessageId.of(new byte[] {(byte) i, (byte) (i >> 8)}), 0);
        }
        assertThat(small.size()).isEqualTo(1024);
        assertThat(small.evictedEarly()).isEqualTo(2000 - 1024);
    }

    @Test
    void theMessageCacheGossipsRecentWindowsAndForgetsOldOnes() {
        MessageCache cache = new MessageCache(2, 3);
        Message a = Message.newBuilder().setTopic("a").build();
        Message b = Message.newBuilder().setTopic("b").build();
        cache.put(id(1), a);
        cache.put(id(2), b);
        assertThat(cache.put(id(1), a)).isFalse();
        assertThat(cache.gossipIds("a")).containsExactly(id(1));
        cache.shift();
        cache.put(id(3), a);
        assertThat(cache.gossipIds("a")).containsExactly(id(3), id(1));
        cache.shift();
        assertThat(cache.gossipIds("a")).containsExactly(id(3));
        assertThat(cache.get(id(1))).contains(a);
        cache.shift();
        assertThat(cache.get(id(1))).isEmpty();
        assertThat(cache.get(id(3))).contains(a);
    }

    @Test
    void promisesBreakAfterTheirExpiryUnlessTheMessageArrives() {
        GossipPromises promises = new GossipPromises();
        PeerId p = PeerId.random();
        PeerId q = PeerId.random();
        promises.add(p, List.of(id(1)), 100, new Random(1));
        promises.add(q, List.of(id(2)), 100, new Random(1));
        promises.delivered(id(2));
        assertThat(promises.takeBroken(100)).isEmpty();
        assertThat(promises.takeBroken(101)).isEqualTo(Map.of(p, 1));
        assertThat(promises.takeBroken(200)).isEmpty();
    }
}
