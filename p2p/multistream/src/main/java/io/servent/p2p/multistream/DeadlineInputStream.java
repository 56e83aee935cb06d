package io.servent.p2p.multistream;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * Turns a per-read timeout into one deadline for a whole negotiation: before each read it sets the
 * stream's read timeout to the time that is left. Without this a peer dripping one byte per timeout
 * could stretch the negotiation to hundreds of timeouts. Passes reads straight through, never
 * buffers. Not thread-safe (one negotiation reads it).
 */
final class DeadlineInputStream extends InputStream {
    private static final long NANOS_PER_MILLI = 1_000_000L;

    private final InputStream in;
    private final Multistream.ReadTimeout readTimeout;
    private final long deadline;

    DeadlineInputStream(InputStream in, Multistream.ReadTimeout readTimeout, Duration timeout) {
        this.in = in;
        this.readTimeout = readTimeout;
        this.deadline = System.nanoTime() + timeout.toNanos();
    }

    @Override
    public int read() throws IOException {
        armTimeout();
        return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        armTimeout();
        return in.read(b, off, len);
    }

    private void armTimeout() throws IOException {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            throw new SocketTimeoutException("negotiation deadline passed");
        }
        // Round up to whole milliseconds: socket timeouts count in them, and a zero would mean forever.
        long millis = Math.max(1, (remaining + NANOS_PER_MILLI - 1) / NANOS_PER_MILLI);
        readTimeout.set(Duration.ofMillis(millis));
    }
}
