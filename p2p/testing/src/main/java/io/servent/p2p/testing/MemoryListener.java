package io.servent.p2p.testing;

import io.servent.p2p.api.Multiaddr;
import io.servent.p2p.api.RawConnection;
import io.servent.p2p.api.TransportListener;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bound {@code /memory/<id>}: a bounded backlog of connections that dialers have opened and
 * {@link #accept()} has not yet taken. Thread-safe; close wakes a blocked accept.
 */
final class MemoryListener implements TransportListener {
    private final MemoryNetwork network;
    private final long id;
    private final Multiaddr address;
    private final int backlogLimit;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    // Guarded by lock.
    private final ArrayDeque<MemoryConnection> backlog = new ArrayDeque<>();
    private boolean closed;

    MemoryListener(MemoryNetwork network, long id, int backlogLimit) {
        this.network = network;
        this.id = id;
        this.address = MemoryNetwork.address(id);
        this.backlogLimit = backlogLimit;
    }

    long id() {
        return id;
    }

    @Override
    public Multiaddr address() {
        return address;
    }

    /** Queues a dialed connection, waiting up to {@code timeout} while the backlog is full. */
    void enqueue(MemoryConnection connection, Duration timeout) throws IOException {
        long remaining = timeout.isZero() ? Long.MAX_VALUE : timeout.toNanos();
        lock.lock();
        try {
            while (!closed && backlog.size() >= backlogLimit) {
                if (remaining <= 0) {
                    throw new ConnectException("the backlog of " + address + " stayed full (" + backlogLimit
                            + " connections not accepted) for " + timeout);
                }
                remaining = changed.awaitNanos(remaining);
            }
            if (closed) {
                throw new ConnectException("connection refused: " + address + " closed");
            }
            backlog.add(connection);
            changed.signalAll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while dialing " + address);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public RawConnection accept() throws IOException {
        lock.lock();
        try {
            while (!closed && backlog.isEmpty()) {
                changed.await();
            }
            if (closed) {
                throw new SocketException("listener " + address + " is closed");
            }
            MemoryConnection connection = backlog.remove();
            changed.signalAll();
            return connection;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while accepting on " + address);
        } finally {
            lock.unlock();
        }
    }

    /** Stops listening; connections dialed but not accepted are closed, so their dialers read end-of-stream. */
    @Override
    public void close() {
        List<MemoryConnection> pending;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            pending = new ArrayList<>(backlog);
            backlog.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        network.unbind(this);
        pending.forEach(MemoryConnection::close);
    }

    boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "MemoryListener[" + address + "]";
    }
}
