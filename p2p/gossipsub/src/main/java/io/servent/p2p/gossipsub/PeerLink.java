package io.servent.p2p.gossipsub;

import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.Stream;
import io.servent.p2p.gossipsub.proto.GossipsubProto.RPC;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Our long-lived stream to one peer and the queue of RPCs waiting for it. The router thread enqueues
 * without ever blocking: past {@code maxQueuedBytes} an RPC is dropped and counted (as go does). The
 * link's own writer thread writes whatever is queued as one batch of length-prefixed RPCs and flushes
 * once, so a burst of small RPCs costs one frame. Thread-safe.
 */
final class PeerLink {
    private static final Logger log = LoggerFactory.getLogger(PeerLink.class);

    /** A batch of queued RPCs is written at once up to about this many bytes. */
    private static final int BATCH_BYTES = 256 * 1024;

    private final PeerId peer;
    private final long maxQueuedBytes;
    private final AtomicLong droppedTotal;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final ArrayDeque<RPC> queue = new ArrayDeque<>();
    private long queuedBytes;
    private long dropped;
    private boolean closed;
    private volatile boolean detached;
    private volatile @Nullable Stream stream;

    PeerLink(PeerId peer, long maxQueuedBytes, AtomicLong droppedTotal) {
        this.peer = peer;
        this.maxQueuedBytes = maxQueuedBytes;
        this.droppedTotal = droppedTotal;
    }

    PeerId peer() {
        return peer;
    }

    /** Queues an RPC; false if the queue is full (the RPC is dropped) or the link closed. */
    boolean enqueue(RPC rpc) {
        int size = rpc.getSerializedSize();
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            if (queuedBytes + size > maxQueuedBytes) {
                long lost = ++dropped;
                droppedTotal.incrementAndGet();
                if (Long.bitCount(lost) == 1) { // at 1, 2, 4, 8, … drops
                    log.warn(
                            "dropping RPCs to {}: its queue holds {} bytes already ({} dropped so far)",
                            peer,
                            queuedBytes,
                            lost);
                }
                return false;
            }
            queue.addLast(rpc);
            queuedBytes += size;
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Writes queued RPCs to {@code opened} until the link is closed or the stream fails. */
    void writeLoop(Stream opened) throws IOException, InterruptedException {
        stream = opened;
        if (isClosed()) {
            opened.reset();
            return;
        }
        opened.setWriteTimeout(Duration.ZERO);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(64 * 1024);
        List<RPC> batch = new ArrayList<>();
        while (takeBatch(batch)) {
            buffer.reset();
            for (RPC rpc : batch) {
                rpc.writeDelimitedTo(buffer); // an unsigned varint length, then the RPC
            }
            batch.clear();
            buffer.writeTo(opened.out());
            opened.out().flush();
        }
    }

    /** Waits for queued RPCs and moves a batch of them to {@code batch}; false once closed. */
    private boolean takeBatch(List<RPC> batch) throws InterruptedException {
        lock.lock();
        try {
            while (queue.isEmpty()) {
                if (closed) {
                    return false;
                }
                notEmpty.await(1, TimeUnit.SECONDS);
            }
            int bytes = 0;
            while (!queue.isEmpty() && (batch.isEmpty() || bytes < BATCH_BYTES)) {
                RPC rpc = queue.pollFirst();
                int size = rpc.getSerializedSize();
                queuedBytes -= size;
                bytes += size;
                batch.add(rpc);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Stops the writer and closes our stream (the peer reads its end). Idempotent. */
    void close() {
        lock.lock();
        try {
            closed = true;
            queue.clear();
            queuedBytes = 0;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
        Stream s = stream;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                s.reset();
            }
        }
    }

    /** The peer disconnected: close, and let the writer know not to reopen. */
    void detach() {
        detached = true;
        close();
    }

    boolean isClosedByDetach() {
        return detached;
    }

    long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }
}
