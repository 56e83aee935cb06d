package io.servent.p2p.host;

import io.servent.p2p.api.HostEvent;
import io.servent.p2p.api.OwnedThreads;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers host events to subscribers, each on its own thread with a bounded queue, so a slow
 * subscriber never slows the host: when its queue is full it loses events (counted and logged).
 * Thread-safe.
 */
final class EventBus {
    private static final Logger log = LoggerFactory.getLogger(EventBus.class);
    static final int QUEUE_CAPACITY = 4096;

    private final OwnedThreads threads;
    private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();

    EventBus(OwnedThreads threads) {
        this.threads = threads;
    }

    AutoCloseable subscribe(Consumer<HostEvent> listener) {
        Subscription s = new Subscription(listener);
        subscriptions.add(s);
        s.thread = threads.start("host-events", s::run);
        return s;
    }

    void publish(HostEvent event) {
        for (Subscription s : subscriptions) {
            if (!s.queue.offer(event)) {
                long lost = s.dropped.incrementAndGet();
                if (Long.bitCount(lost) == 1) { // log at 1, 2, 4, 8, … lost events
                    log.warn("an event subscriber is too slow: {} events dropped so far", lost);
                }
            }
        }
    }

    private final class Subscription implements AutoCloseable {
        final BlockingQueue<HostEvent> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
        final AtomicLong dropped = new AtomicLong();
        final Consumer<HostEvent> listener;
        volatile boolean closed;
        volatile @Nullable Thread thread;

        Subscription(Consumer<HostEvent> listener) {
            this.listener = listener;
        }

        void run() {
            try {
                while (!closed) {
                    HostEvent event = queue.take();
                    try {
                        listener.accept(event);
                    } catch (RuntimeException e) {
                        log.warn(
                                "event subscriber failed on {}",
                                event.getClass().getSimpleName(),
                                e);
                    }
                }
            } catch (InterruptedException e) {
                // closed
            }
        }

        @Override
        public void close() {
            closed = true;
            subscriptions.remove(this);
            Thread t = thread;
            if (t != null) {
                t.interrupt();
            }
        }
    }
}
