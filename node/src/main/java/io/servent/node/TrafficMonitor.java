package io.servent.node;

import io.servent.p2p.api.Host;
import io.servent.p2p.api.HostEvent;
import io.servent.p2p.host.HostMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live view of the host for the web UI: samples the host's byte counters once a {@link
 * #PERIOD}, keeps the last {@link #HISTORY} samples (so a page opened late still draws a full
 * bandwidth graph) and publishes each as a {@code traffic} event; forwards peer connects and
 * disconnects as {@code peer} events.
 *
 * <p>Thread-safe. Owns one virtual thread, {@code traffic-sampler}, stopped by {@link #close()}.
 */
final class TrafficMonitor implements AutoCloseable {
    static final Duration PERIOD = Duration.ofSeconds(1);
    static final int HISTORY = 120;

    private static final Logger log = LoggerFactory.getLogger(TrafficMonitor.class);

    /** One sample: totals so far and the rates over the last period, in bytes per second. */
    record Sample(String at, long bytesIn, long bytesOut, double inBps, double outBps, int connections, int peers) {}

    /** A peer came or went. */
    record PeerChange(String peerId, String state, int peers) {}

    private final Host host;
    private final HostMetrics metrics;
    private final EventBus events;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Sample> history = new ArrayDeque<>(HISTORY);
    private final AutoCloseable subscription;
    private final Thread sampler;
    private volatile boolean closed;

    TrafficMonitor(Host host, HostMetrics metrics, EventBus events) {
        this.host = host;
        this.metrics = metrics;
        this.events = events;
        this.subscription = host.subscribe(this::onHostEvent);
        this.sampler = Thread.ofVirtual().name("traffic-sampler").start(this::sampleLoop);
    }

    private void onHostEvent(HostEvent event) {
        if (event instanceof HostEvent.PeerConnected up) {
            events.publish("peer", new PeerChange(up.peer().toString(), "up", peerCount()));
        } else if (event instanceof HostEvent.PeerDisconnected down) {
            events.publish("peer", new PeerChange(down.peer().toString(), "down", peerCount()));
        }
    }

    private int peerCount() {
        return (int)
                host.connections().stream().map(c -> c.remotePeer()).distinct().count();
    }

    private void sampleLoop() {
        long lastIn = metrics.bytesIn();
        long lastOut = metrics.bytesOut();
        long lastNanos = System.nanoTime();
        while (!closed) {
            try {
                Thread.sleep(PERIOD); // a fixed-rate tick, not a wait for state
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            long in = metrics.bytesIn();
            long out = metrics.bytesOut();
            double seconds = Math.max(1e-3, (now - lastNanos) / 1e9);
            Sample sample = new Sample(
                    Instant.now().toString(),
                    in,
                    out,
                    (in - lastIn) / seconds,
                    (out - lastOut) / seconds,
                    host.connections().size(),
                    peerCount());
            lastIn = in;
            lastOut = out;
            lastNanos = now;
            lock.lock();
            try {
                if (history.size() == HISTORY) {
                    history.removeFirst();
                }
                history.addLast(sample);
            } finally {
                lock.unlock();
            }
            try {
                events.publish("traffic", sample);
            } catch (RuntimeException e) {
                log.debug("traffic event failed", e);
            }
        }
    }

    /** The kept samples, oldest first. */
    List<Sample> history() {
        lock.lock();
        try {
            return new ArrayList<>(history);
        } finally {
            lock.unlock();
        }
    }

    @Nullable
    Sample latest() {
        lock.lock();
        try {
            return history.peekLast();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        sampler.interrupt();
        try {
            subscription.close();
            sampler.join(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("unsubscribing from host events failed", e);
        }
    }
}
