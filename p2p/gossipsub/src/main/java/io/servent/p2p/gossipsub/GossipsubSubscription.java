package io.servent.p2p.gossipsub;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An application's subscription to a topic: the messages accepted for it, in arrival order, each
 * once. The queue is bounded ({@link GossipsubLimits#subscriptionQueueSize()}); the router never waits
 * for a slow application: when the queue is full the <em>oldest</em> message is dropped and counted in
 * {@link #dropped()}, so a reader that falls behind sees the newest messages and knows how many it
 * missed. Read with {@link #poll(Duration)} or {@link #take()}, or pass a handler to
 * {@link Gossipsub#subscribe(String, Consumer)}. Close it to leave the topic (when it was the last
 * subscription to it). Thread-safe.
 */
public final class GossipsubSubscription implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GossipsubSubscription.class);

    private final String topic;
    private final int capacity;
    private final Consumer<GossipsubSubscription> onClose;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final ArrayDeque<GossipsubMessage> queue = new ArrayDeque<>();
    private long dropped;
    private boolean closed;

    GossipsubSubscription(String topic, int capacity, Consumer<GossipsubSubscription> onClose) {
        this.topic = topic;
        this.capacity = capacity;
        this.onClose = onClose;
    }

    public String topic() {
        return topic;
    }

    /** Called by the router thread; never blocks. */
    void offer(GossipsubMessage message) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (queue.size() >= capacity) {
                queue.pollFirst();
                dropped++;
            }
            queue.addLast(message);
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /** The next message, waiting up to {@code timeout}; empty on timeout or once closed and drained. */
    public Optional<GossipsubMessage> poll(Duration timeout) throws InterruptedException {
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (queue.isEmpty()) {
                if (closed || remaining <= 0) {
                    return Optional.empty();
                }
                remaining = notEmpty.awaitNanos(remaining);
            }
            return Optional.of(queue.pollFirst());
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next message, waiting as long as it takes.
     *
     * @throws IllegalStateException if the subscription is closed and drained
     */
    public GossipsubMessage take() throws InterruptedException {
        lock.lock();
        try {
            while (queue.isEmpty()) {
                if (closed) {
                    throw new IllegalStateException("the subscription to '" + topic + "' is closed");
                }
                notEmpty.await();
            }
            return queue.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    /** Moves every queued message to {@code sink} without waiting; returns how many. */
    public int drainTo(Collection<? super GossipsubMessage> sink) {
        lock.lock();
        try {
            int n = queue.size();
            sink.addAll(queue);
            queue.clear();
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Messages dropped (oldest first) because the application did not keep up. */
    public long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Stops delivery; messages already queued can still be read. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
        onClose.accept(this);
    }

    /** Runs {@code handler} on every message until closed; for {@link Gossipsub#subscribe(String, Consumer)}. */
    void pump(Consumer<GossipsubMessage> handler) {
        try {
            while (true) {
                @Nullable GossipsubMessage message = poll(Duration.ofDays(1)).orElse(null);
                if (message == null) {
                    if (isClosed()) {
                        return;
                    }
                    continue;
                }
                try {
                    handler.accept(message);
                } catch (RuntimeException e) {
                    log.warn("the handler of the subscription to '{}' failed on {}", topic, message, e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "GossipsubSubscription['" + topic + "']";
    }
}
