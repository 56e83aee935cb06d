package io.servent.p2p.yamux;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The receive window one connection may hand out over all its streams. Every stream holds the spec's
 * 256 KiB unconditionally; auto-tuning may grow a stream's window only while the total stays within
 * the limit, which bounds what a peer can make this side buffer. Thread-safe (lock-free).
 */
final class YamuxWindowBudget {
    private final long limit;
    private final AtomicLong used = new AtomicLong();

    YamuxWindowBudget(long limit) {
        this.limit = limit;
    }

    /** Accounts a stream's initial window, which the spec grants whatever the budget says. */
    void addInitial(long window) {
        used.addAndGet(window);
    }

    /** Grants up to {@code wanted} more bytes of window; returns the amount granted, possibly 0. */
    long tryGrow(long wanted) {
        while (true) {
            long current = used.get();
            long granted = Math.min(wanted, limit - current);
            if (granted <= 0) {
                return 0;
            }
            if (used.compareAndSet(current, current + granted)) {
                return granted;
            }
        }
    }

    void release(long window) {
        used.addAndGet(-window);
    }

    long used() {
        return used.get();
    }

    long limit() {
        return limit;
    }
}
