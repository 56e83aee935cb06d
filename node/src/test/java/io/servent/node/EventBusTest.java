package io.servent.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class EventBusTest {
    @Test
    void everySubscriberGetsEveryEventInOrder() throws Exception {
        try (EventBus bus = new EventBus(ControlApi.mapper());
                EventBus.Subscription one = bus.subscribe();
                EventBus.Subscription two = bus.subscribe()) {
            bus.publish("peer", Map.of("peerId", "x", "state", "up"));
            bus.publish("traffic", Map.of("inBps", 5));
            for (EventBus.Subscription s : List.of(one, two)) {
                EventBus.Event first = s.next(Duration.ofSeconds(1)).orElseThrow();
                assertThat(first.type()).isEqualTo("peer");
                assertThat(first.json()).contains("\"state\":\"up\"");
                EventBus.Event second = s.next(Duration.ofSeconds(1)).orElseThrow();
                assertThat(second.type()).isEqualTo("traffic");
                assertThat(second.id()).isGreaterThan(first.id());
            }
            assertThat(one.next(Duration.ofMillis(10))).isEmpty();
        }
    }

    @Test
    void aSlowSubscriberIsDroppedAndOthersKeepReceiving() throws Exception {
        try (EventBus bus = new EventBus(ControlApi.mapper())) {
            EventBus.Subscription slow = bus.subscribe();
            EventBus.Subscription fast = bus.subscribe();
            List<Long> received = new ArrayList<>();
            for (int i = 0; i < EventBus.QUEUE_CAPACITY * 3; i++) {
                bus.publish("n", i); // never blocks, whoever is behind
                received.add(fast.next(Duration.ofSeconds(1)).orElseThrow().id());
            }
            assertThat(received).hasSize(EventBus.QUEUE_CAPACITY * 3);
            assertThat(slow.dropped()).isTrue();
            assertThat(slow.next(Duration.ofSeconds(5))).isEmpty(); // at once, not after 5 s
            assertThat(bus.subscribers()).isEqualTo(1);
        }
    }

    @Test
    void subscribersAreBoundedAndCloseEndsThem() throws Exception {
        EventBus bus = new EventBus(ControlApi.mapper());
        List<EventBus.Subscription> subs = new ArrayList<>();
        for (int i = 0; i < EventBus.MAX_SUBSCRIBERS; i++) {
            subs.add(bus.subscribe());
        }
        assertThatThrownBy(bus::subscribe).isInstanceOf(NodeException.class).hasMessageContaining("too many");
        subs.get(0).close();
        EventBus.Subscription waiting = bus.subscribe();
        Thread closer = Thread.ofVirtual().start(bus::close);
        assertThat(waiting.next(Duration.ofSeconds(5))).isEmpty();
        closer.join();
        assertThat(waiting.dropped()).isTrue();
        assertThatThrownBy(bus::subscribe).isInstanceOf(NodeException.class).hasMessageContaining("stopping");
    }
}
