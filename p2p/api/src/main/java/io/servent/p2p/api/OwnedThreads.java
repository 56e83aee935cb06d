package io.servent.p2p.api;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The named virtual threads a service (a host, a protocol) starts, remembered until they end so that
 * closing the service stops every one. Thread-safe.
 */
public final class OwnedThreads {
    private static final Logger log = LoggerFactory.getLogger(OwnedThreads.class);

    private final String owner;
    private final Set<Thread> live = ConcurrentHashMap.newKeySet();
    private final AtomicLong counter = new AtomicLong();
    private boolean closed; // guarded by this

    /** {@code owner} names the service in log lines and errors, e.g. "the host". */
    public OwnedThreads(String owner) {
        this.owner = owner;
    }

    /** Starts {@code task} on a virtual thread named {@code name-N}; refuses once closed. */
    public Thread start(String name, Runnable task) {
        Thread thread = Thread.ofVirtual()
                .name(name + "-" + counter.incrementAndGet())
                .unstarted(() -> {
                    try {
                        task.run();
                    } catch (RuntimeException | Error e) {
                        log.error(
                                "{} thread {} failed",
                                owner,
                                Thread.currentThread().getName(),
                                e);
                    } finally {
                        live.remove(Thread.currentThread());
                    }
                });
        // Checked and added under one lock, so closeAndJoin either refuses this thread or joins it.
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException(owner + " is closed");
            }
            live.add(thread);
            thread.start();
        }
        return thread;
    }

    public int size() {
        return live.size();
    }

    /** Interrupts every thread and waits up to {@code timeout} for them to end. */
    public boolean closeAndJoin(Duration timeout) {
        List<Thread> started;
        synchronized (this) {
            closed = true;
            started = List.copyOf(live);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : started) {
            if (!t.equals(Thread.currentThread())) {
                t.interrupt();
            }
        }
        for (Thread t : started) {
            if (t.equals(Thread.currentThread())) {
                continue;
            }
            try {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0 || !t.join(Duration.ofNanos(remaining))) {
                    log.warn("{}: thread {} did not stop within {} ms", owner, t.getName(), timeout.toMillis());
                    return false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
