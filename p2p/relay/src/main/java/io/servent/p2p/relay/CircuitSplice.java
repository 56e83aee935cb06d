package io.servent.p2p.relay;

import io.servent.p2p.api.Stream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins the initiator's hop stream and the target's stop stream into one relayed connection,
 * enforcing the circuit's limit: at most {@code limit.data()} bytes in each direction and at most
 * {@code limit.duration()} in all. A clean end of one direction is passed on as a half-close; a
 * limit, an error or a reset resets both streams.
 *
 * <p>Threads: the caller's thread waits for the circuit to end; one virtual thread copies each
 * direction, and {@link #run} joins both before it returns. Not reusable: one instance per circuit.
 */
final class CircuitSplice {
    private static final Logger log = LoggerFactory.getLogger(CircuitSplice.class);
    private static final int BUFFER_SIZE = 16 * 1024;
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);

    /** How a circuit ended, for the log and for tests. */
    enum End {
        CLOSED,
        DATA_LIMIT,
        DURATION_LIMIT,
        RESET
    }

    private final Stream initiator;
    private final Stream target;
    private final RelayLimit limit;
    private final String name;
    private final CountDownLatch done = new CountDownLatch(2);
    private final AtomicReference<End> end = new AtomicReference<>();

    CircuitSplice(Stream initiator, Stream target, RelayLimit limit) {
        this.initiator = initiator;
        this.target = target;
        this.limit = limit;
        this.name = initiator.remotePeer().shortString() + "->"
                + target.remotePeer().shortString();
    }

    /** Relays until both directions end, a limit is hit, or the thread is interrupted. */
    End run() {
        initiator.setReadTimeout(Duration.ZERO);
        target.setReadTimeout(Duration.ZERO);
        Thread forward =
                Thread.ofVirtual().name("relay-circuit-" + name + "-fwd").start(() -> copy(initiator, target));
        Thread backward =
                Thread.ofVirtual().name("relay-circuit-" + name + "-back").start(() -> copy(target, initiator));
        try {
            boolean finished = limit.duration().isZero()
                    ? awaitForever()
                    : done.await(limit.duration().toNanos(), TimeUnit.NANOSECONDS);
            if (!finished) {
                abort(End.DURATION_LIMIT);
            }
        } catch (InterruptedException e) {
            abort(End.RESET);
            Thread.currentThread().interrupt();
        }
        join(forward);
        join(backward);
        End result = end.get() == null ? End.CLOSED : end.get();
        log.debug("circuit {} ended: {}", name, result);
        return result;
    }

    private boolean awaitForever() throws InterruptedException {
        done.await();
        return true;
    }

    private void copy(Stream from, Stream to) {
        InputStream in = from.in();
        OutputStream out = to.out();
        byte[] buffer = new byte[BUFFER_SIZE];
        long remaining = limit.data() > 0 ? limit.data() : Long.MAX_VALUE;
        try {
            while (true) {
                int n = in.read(buffer);
                if (n < 0) {
                    to.closeWrite();
                    return;
                }
                if (n > remaining) {
                    // Pass on what the limit allows, then cut: the peers see a reset, as with go-libp2p.
                    out.write(buffer, 0, (int) remaining);
                    out.flush();
                    abort(End.DATA_LIMIT);
                    return;
                }
                remaining -= n;
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            abort(End.RESET);
        } finally {
            done.countDown();
        }
    }

    private void abort(End reason) {
        if (end.compareAndSet(null, reason)) {
            if (reason == End.DATA_LIMIT) {
                log.info("circuit {}: data limit of {} bytes reached, resetting it", name, limit.data());
            } else if (reason == End.DURATION_LIMIT) {
                log.info("circuit {}: duration limit of {} reached, resetting it", name, limit.duration());
            }
        }
        initiator.reset();
        target.reset();
    }

    private static void join(Thread thread) {
        try {
            if (!thread.join(JOIN_TIMEOUT)) {
                log.warn(
                        "{} did not end within {} ms after its streams were reset",
                        thread.getName(),
                        JOIN_TIMEOUT.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
