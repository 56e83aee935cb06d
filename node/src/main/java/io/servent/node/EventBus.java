package io.servent.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live events for the web UI and other clients of {@code GET /api/v1/events}: any service publishes
 * a typed event ({@code peer}, {@code traffic}, {@code log}, later {@code search-hit}, {@code
 * download}…), every subscriber gets it. Publishing never blocks: each subscriber has a bounded queue
 * and a subscriber that falls {@link #QUEUE_CAPACITY} events behind is dropped (its stream ends; a
 * browser's EventSource reconnects and refetches state), so one slow client cannot hold up the
 * daemon or grow its memory. Payloads are serialized once, at publish time.
 *
 * <p>Thread-safe.
 */
public final class EventBus implements AutoCloseable {
    /** Events a subscriber may lag behind before it is dropped. */
    public static final int QUEUE_CAPACITY = 512;

    /** Subscribers at once; more are refused (each is an open HTTP response). */
    public static final int MAX_SUBSCRIBERS = 64;

    private static final Logger log = LoggerFactory.getLogger(EventBus.class);

    /** One event: its sequence number, type (the SSE event name) and JSON payload. */
    public record Event(long id, String type, String json) {}

    private final ObjectMapper json;
    private final List<Subscription> subscribers = new CopyOnWriteArrayList<>();
    private final AtomicLong sequence = new AtomicLong();
    private volatile boolean closed;

    public EventBus(ObjectMapper json) {
        this.json = json;
    }

    /** Sends {@code data} (serialized as JSON) to every subscriber as an event named {@code type}. */
    public void publish(String type, Object data) {
        if (subscribers.isEmpty()) {
            return;
        }
        String payload;
        try {
            payload = json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event " + type + " is not serializable: " + e.getOriginalMessage(), e);
        }
        Event event = new Event(sequence.incrementAndGet(), type, payload);
        for (Subscription s : subscribers) {
            if (!s.queue.offer(event)) {
                log.info("events: a client fell {} events behind and was dropped", QUEUE_CAPACITY);
                s.drop();
            }
        }
    }

    /** A new subscriber; close it when done. */
    public Subscription subscribe() throws NodeException {
        if (closed) {
            throw new NodeException(NodeException.Kind.UNAVAILABLE, "the daemon is stopping");
        }
        if (subscribers.size() >= MAX_SUBSCRIBERS) {
            throw new NodeException(
                    NodeException.Kind.UNAVAILABLE,
                    "too many event streams are open (" + MAX_SUBSCRIBERS + "); close a browser tab");
        }
        Subscription s = new Subscription();
        subscribers.add(s);
        return s;
    }

    int subscribers() {
        return subscribers.size();
    }

    /** Ends every subscription (their {@link Subscription#next} returns at once). */
    @Override
    public void close() {
        closed = true;
        for (Subscription s : subscribers) {
            s.drop();
        }
    }

    /** One subscriber's queue. Read from one thread. */
    public final class Subscription implements AutoCloseable {
        private static final Event WAKE = new Event(-1, "", "");

        private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
        private volatile boolean dropped;

        private Subscription() {}

        /** The next event, waiting up to {@code timeout}; empty on timeout or once dropped. */
        public Optional<Event> next(Duration timeout) throws InterruptedException {
            if (dropped) {
                return Optional.empty();
            }
            Event e = queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return e == null || e.id() < 0 || dropped ? Optional.empty() : Optional.of(e);
        }

        /** Whether this subscriber was dropped (too slow, or the bus closed); its stream should end. */
        public boolean dropped() {
            return dropped;
        }

        void drop() {
            dropped = true;
            subscribers.remove(this);
            queue.clear();
            queue.offer(WAKE);
        }

        @Override
        public void close() {
            subscribers.remove(this);
        }
    }
}
