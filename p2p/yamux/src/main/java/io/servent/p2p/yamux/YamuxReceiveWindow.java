package io.servent.p2p.yamux;

/**
 * Receive-side flow control of one stream, sans I/O: how much the peer may still send, when to send a
 * window update and how large, and window auto-tuning.
 *
 * <p>A window update is due once the application has consumed at least half of the current window,
 * as go-yamux and rust-yamux do, so updates are few and the sender never idles on a healthy link.
 * Auto-tuning follows rust-yamux (itself modelled on QUIC): when half a window was consumed within
 * two round-trips, the window is what limits throughput, so it doubles, up to the per-stream maximum
 * and within the connection's {@link YamuxWindowBudget}. Windows never shrink. Without an RTT sample
 * the window stays at the spec's 256 KiB.
 *
 * <p>Not thread-safe: the owning stream calls it under its lock.
 */
final class YamuxReceiveWindow {
    private final YamuxWindowBudget budget;
    private final long maxStreamWindow;
    /** The window the peer is granted when it is fully caught up. */
    private long window = YamuxHeader.INITIAL_WINDOW;
    /** Bytes the peer may still send before it must wait for an update. */
    private long credit = YamuxHeader.INITIAL_WINDOW;

    private long lastUpdateNanos;
    private boolean released;

    YamuxReceiveWindow(YamuxWindowBudget budget, long maxStreamWindow, long nowNanos) {
        this.budget = budget;
        this.maxStreamWindow = maxStreamWindow;
        this.lastUpdateNanos = nowNanos;
        budget.addInitial(window);
    }

    /**
     * Accounts an inbound Data frame of {@code length} bytes; false when it exceeds what the peer was
     * granted, a protocol violation. Called before the payload is read, so nothing is allocated for it.
     */
    boolean tryConsume(long length) {
        if (length > credit) {
            return false;
        }
        credit -= length;
        return true;
    }

    /**
     * The window update to send after the application consumed data, or 0 when none is due yet.
     *
     * @param buffered bytes received but not yet read by the application
     * @param rttNanos the connection's round-trip time, 0 when not measured yet
     */
    long nextUpdate(long buffered, long nowNanos, long rttNanos) {
        long consumed = window - credit - buffered;
        if (consumed < window / 2 || released) {
            return 0;
        }
        if (rttNanos > 0 && nowNanos - lastUpdateNanos < 2 * rttNanos && window < maxStreamWindow) {
            long grown = budget.tryGrow(Math.min(window, maxStreamWindow - window));
            window += grown;
            consumed += grown;
        }
        lastUpdateNanos = nowNanos;
        credit += consumed;
        return consumed;
    }

    /** Returns this stream's window to the connection budget; idempotent. */
    void release() {
        if (!released) {
            released = true;
            budget.release(window);
        }
    }

    long window() {
        return window;
    }

    long credit() {
        return credit;
    }
}
