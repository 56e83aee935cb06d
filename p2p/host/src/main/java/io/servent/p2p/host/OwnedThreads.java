package io.servent.p2p.host;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts named virtual threads and remembers them until they end, so their owner can stop every one
 * on close. Thread-safe.
 */
final class OwnedThreads {
    private static final Logger log = LoggerFactory.getLogger(OwnedThreads.class);

    private final Set<Thread> live = ConcurrentHashMap.newKeySet();
    private final AtomicLong counter = new AtomicLong();
    private volatile boolean closed;

    /** Starts {@code task} on a virtual thread named {@code prefix-N}; refuses once closed. */
    Thread start(String prefix, Runnable task) {
        if (closed) {
            throw new IllegalStateException("the host is closed");
        }
        Thread thread = Thread.ofVirtual()
                .name(prefix + "-" + counter.incrementAndGet())
                .unstarted(() -> {
                    try {
                        task.run();
                    } catch (RuntimeException | Error e) {
                        log.error("thread {} failed", Thread.currentThread().getName(), e);
                    } finally {
                        live.remove(Thread.currentThread());
                    }
                });
        live.add(thread);
        thread.start();
        return thread;
    }

    int size() {
        return live.size();
    }

    /** Interrupts every thread and waits up to {@code timeout} for all of them to end. */
    boolean closeAndJoin(Duration timeout) {
        closed = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : live) {
            if (t != Thread.currentThread()) {
                t.interrupt();
            }
        }
        for (Thread t : live) {
            if (t == Thread.currentThread()) {
                continue;
            }
            long remaining = deadline - System.nanoTime();
            try {
                if (remaining <= 0 || !t.join(Duration.ofNanos(remaining))) {
                    log.warn("thread {} did not stop within {} ms", t.getName(), timeout.toMillis());
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
