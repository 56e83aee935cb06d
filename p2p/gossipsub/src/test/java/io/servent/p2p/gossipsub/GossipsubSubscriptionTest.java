package io.servent.p2p.gossipsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.servent.p2p.api.PeerId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The application side of a subscription: bounded, drop-oldest, closeable. */
@Timeout(30)
class GossipsubSubscriptionTest {
    private static final PeerId PEER = PeerId.random();

    private static GossipsubMessage message(int n) {
        return new GossipsubMessage(
                MessageId.of(new byte[] {(byte) n}), "t", ByteString.copyFrom(new byte[] {(byte) n}), null, null, PEER);
    }

    @Test
    void aFullQueueDropsTheOldestAndCountsIt() throws Exception {
        AtomicInteger closed = new AtomicInteger();
        GossipsubSubscription s = new GossipsubSubscription("t", 3, x -> closed.incrementAndGet());
        for (int i = 0; i < 5; i++) {
            s.offer(message(i));
        }
        assertThat(s.dropped()).isEqualTo(2);
        assertThat(s.take().data()).containsExactly(2);
        List<GossipsubMessage> rest = new ArrayList<>();
        assertThat(s.drainTo(rest)).isEqualTo(2);
        assertThat(rest).extracting(m -> m.data()[0]).containsExactly((byte) 3, (byte) 4);
        assertThat(s.poll(Duration.ofMillis(1))).isEmpty();

        s.offer(message(9));
        s.close();
        s.close();
        assertThat(closed).hasValue(1);
        s.offer(message(10)); // after close: not queued
        assertThat(s.poll(Duration.ofSeconds(1)).orElseThrow().data()).containsExactly(9);
        assertThat(s.poll(Duration.ofSeconds(1))).isEmpty();
        assertThatThrownBy(s::take).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closingWakesAWaitingReader() throws Exception {
        GossipsubSubscription s = new GossipsubSubscription("t", 3, x -> {});
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                s.poll(Duration.ofMinutes(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        s.close();
        assertThat(reader.join(Duration.ofSeconds(10))).isTrue();
    }
}
