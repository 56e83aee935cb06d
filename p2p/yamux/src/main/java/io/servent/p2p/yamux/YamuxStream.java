package io.servent.p2p.yamux;

import io.servent.p2p.api.MuxedStream;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.api.StreamResetException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * One Yamux stream: a blocking, flow-controlled byte pipe in each direction.
 *
 * <p>Opening is lazy, as in rust-yamux: the SYN (or, on an inbound stream, the ACK) rides on the
 * first frame this side sends, whether data, a window update, a FIN or the window update a read on
 * a silent outbound stream sends so the peer learns of it.
 *
 * <p>{@link #out()} writes whole Data frames into the secure connection's buffer without flushing;
 * {@code flush()} (and {@link #closeWrite()}) sends them. A write that finds the peer's window full
 * flushes first, then waits. {@link #close()} behaves like closing a TCP socket: it sends a FIN,
 * drops unread data, and answers with a reset if unread data was dropped or the peer sends more;
 * until the peer ends its side too, the stream still counts towards {@link
 * YamuxConfig#maxStreams()}.
 * A reset from the peer fails the halves still open and drops unread data; halves that ended
 * cleanly stay ended. A local {@link #reset()} fails both halves.
 *
 * <p>Thread-safety: one thread may read while another writes; concurrent reads (or concurrent
 * writes) need external synchronisation. {@link #reset()} and the timeouts may be used from any
 * thread. The stream's lock guards its state and is never held across I/O.
 */
final class YamuxStream implements MuxedStream {
    private enum Half {
        OPEN,
        CLOSED,
        RESET
    }

    /** What to do with an inbound Data frame's payload. */
    enum Admission {
        BUFFER,
        DISCARD,
        DISCARD_AND_RESET
    }

    private final YamuxConnection connection;
    private final int id;
    private final boolean outbound;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final Condition writable = lock.newCondition();
    private final YamuxReceiveBuffer buffer = new YamuxReceiveBuffer();
    private final YamuxReceiveWindow receiveWindow;
    private final InputStream in = new In();
    private final OutputStream out = new Out();

    // Guarded by lock.
    /** The peer's sending side as seen here: CLOSED after its FIN. */
    private Half readHalf = Half.OPEN;

    private Half writeHalf = Half.OPEN;
    /** close() was called: unread and further inbound data is dropped. */
    private boolean readClosedLocally;

    private String resetReason = "";
    private long sendWindow = YamuxHeader.INITIAL_WINDOW;
    private long pendingCredit;
    private boolean windowUpdateQueued;
    private boolean ackSettled;
    private boolean finished;

    /** SYN or ACK still to send; cleared under both the write lock and this lock, read without. */
    private volatile int openFlags;

    private volatile long readTimeoutNanos;
    private volatile long writeTimeoutNanos;

    YamuxStream(YamuxConnection connection, int id, boolean outbound, YamuxWindowBudget budget, long maxWindow) {
        this.connection = connection;
        this.id = id;
        this.outbound = outbound;
        this.openFlags = outbound ? YamuxHeader.FLAG_SYN : YamuxHeader.FLAG_ACK;
        this.receiveWindow = new YamuxReceiveWindow(budget, maxWindow, System.nanoTime());
        // Inbound streams are acknowledged by us, not waited for.
        this.ackSettled = !outbound;
    }

    @Override
    public long id() {
        return Integer.toUnsignedLong(id);
    }

    int intId() {
        return id;
    }

    boolean outbound() {
        return outbound;
    }

    @Override
    public InputStream in() {
        return in;
    }

    @Override
    public OutputStream out() {
        return out;
    }

    @Override
    public void setReadTimeout(Duration timeout) {
        readTimeoutNanos = nanos(timeout);
    }

    @Override
    public void setWriteTimeout(Duration timeout) {
        writeTimeoutNanos = nanos(timeout);
    }

    private static long nanos(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative timeout " + timeout);
        }
        return timeout.isZero() ? 0 : Math.max(1, timeout.toNanos());
    }

    // ---- reading ----

    private int read(byte[] dst, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, dst.length);
        if (length == 0) {
            return 0;
        }
        if ((openFlags & YamuxHeader.FLAG_SYN) != 0) {
            // Reading first on a stream we opened: the peer must hear of it to answer.
            announce();
        }
        YamuxReceiveBuffer.Slice slice;
        boolean sendUpdate = false;
        lock.lock();
        try {
            long timeout = readTimeoutNanos;
            long remaining = timeout;
            while (buffer.size() == 0) {
                if (readClosedLocally) {
                    throw new IOException("yamux stream " + id() + " is closed");
                }
                if (readHalf == Half.RESET) {
                    throw new StreamResetException(resetReason);
                }
                if (readHalf == Half.CLOSED) {
                    return -1;
                }
                remaining = await(readable, timeout, remaining, "read");
            }
            slice = Objects.requireNonNull(buffer.take(length));
            if (readHalf == Half.OPEN) {
                long credit = receiveWindow.nextUpdate(buffer.size(), System.nanoTime(), connection.rttNanos());
                if (credit > 0) {
                    pendingCredit += credit;
                    sendUpdate = !windowUpdateQueued;
                    windowUpdateQueued = true;
                }
            }
        } finally {
            lock.unlock();
        }
        // Copy outside the lock so the reader thread never waits for it; the taken bytes are ours.
        System.arraycopy(slice.array(), slice.offset(), dst, offset, slice.length());
        if (sendUpdate) {
            connection.writer().sendWindowUpdate(this);
        }
        return slice.length();
    }

    private void announce() {
        lock.lock();
        try {
            if (windowUpdateQueued || readHalf != Half.OPEN || writeHalf == Half.RESET) {
                return;
            }
            windowUpdateQueued = true;
        } finally {
            lock.unlock();
        }
        connection.writer().sendWindowUpdate(this);
    }

    private int available() {
        lock.lock();
        try {
            return (int) Math.min(Integer.MAX_VALUE, buffer.size());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits on {@code condition} (lock held); returns the time left, throws on timeout. Callers loop
     * on their own condition, so spurious wake-ups are harmless.
     */
    @SuppressWarnings("WaitNotInLoop")
    private long await(Condition condition, long timeout, long remaining, String what) throws IOException {
        try {
            if (timeout == 0) {
                condition.await();
                return 0;
            }
            if (remaining <= 0) {
                throw new SocketTimeoutException("yamux stream " + id() + ": " + what + " timed out after "
                        + TimeUnit.NANOSECONDS.toMillis(timeout) + " ms");
            }
            return condition.awaitNanos(remaining);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted during " + what + " on yamux stream " + id());
        }
    }

    // ---- writing ----

    private void write(byte[] src, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, src.length);
        int maxFrame = connection.config().maxFramePayload();
        while (length > 0) {
            int n = reserveSendWindow(Math.min(length, maxFrame));
            connection.writer().writeData(this, src, offset, n, writeTimeoutNanos);
            offset += n;
            length -= n;
        }
    }

    /** Takes up to {@code wanted} bytes of the peer's window, flushing and waiting while it is empty. */
    private int reserveSendWindow(int wanted) throws IOException {
        boolean flushed = false;
        lock.lock();
        try {
            long timeout = writeTimeoutNanos;
            long remaining = timeout;
            while (true) {
                checkWritable();
                if (sendWindow > 0) {
                    int n = (int) Math.min(wanted, sendWindow);
                    sendWindow -= n;
                    return n;
                }
                if (!flushed) {
                    // What we wrote must reach the peer before it can grant more window.
                    lock.unlock();
                    try {
                        connection.writer().flush(timeout);
                    } finally {
                        lock.lock();
                    }
                    flushed = true;
                    continue;
                }
                remaining = await(writable, timeout, remaining, "write waiting for the peer's window");
            }
        } finally {
            lock.unlock();
        }
    }

    private void checkWritable() throws IOException {
        if (writeHalf == Half.RESET) {
            throw new StreamResetException(resetReason);
        }
        if (writeHalf == Half.CLOSED) {
            throw new IOException("yamux stream " + id() + " is closed for writing");
        }
    }

    /** A fresh exception for a write on a reset stream (called when writeFailure is known to apply). */
    IOException writeFailure() {
        lock.lock();
        try {
            return writeHalf == Half.RESET
                    ? new StreamResetException(resetReason)
                    : new IOException("yamux stream " + id() + " is closed for writing");
        } finally {
            lock.unlock();
        }
    }

    private void flush() throws IOException {
        connection.writer().flush(writeTimeoutNanos);
    }

    @Override
    public void closeWrite() throws IOException {
        lock.lock();
        try {
            if (writeHalf == Half.RESET) {
                throw new StreamResetException(resetReason);
            }
            if (writeHalf == Half.CLOSED) {
                return;
            }
            writeHalf = Half.CLOSED;
            writable.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            connection.writer().writeFin(this, writeTimeoutNanos);
        } catch (IOException e) {
            // The peer will never see our end of stream; a reset at least tells it the truth.
            reset();
            throw e;
        }
        finishIfDone();
    }

    @Override
    public void close() throws IOException {
        boolean droppedUnread;
        boolean writeOpen;
        lock.lock();
        try {
            if (readClosedLocally) {
                return;
            }
            readClosedLocally = true;
            droppedUnread = buffer.size() > 0 && readHalf == Half.OPEN;
            buffer.clear();
            writeOpen = writeHalf == Half.OPEN;
            readable.signalAll();
        } finally {
            lock.unlock();
        }
        if (writeOpen) {
            try {
                closeWrite();
            } catch (StreamResetException e) {
                return;
            }
        }
        if (droppedUnread) {
            // Like TCP: data the application never read means the peer's message was not taken.
            resetRead("yamux stream " + id() + " was closed with unread data");
        }
        finishIfDone();
    }

    @Override
    public void reset() {
        boolean sendReset;
        lock.lock();
        try {
            if (readHalf == Half.RESET && writeHalf == Half.RESET) {
                return;
            }
            // The peer knows the stream once our SYN went out (or always, for inbound streams).
            sendReset = !finished && (openFlags & YamuxHeader.FLAG_SYN) == 0;
            resetReason = "yamux stream " + id() + " was reset locally";
            readHalf = Half.RESET;
            writeHalf = Half.RESET;
            buffer.clear();
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
        if (sendReset) {
            connection.sendReset(this);
        }
        finishIfDone();
    }

    /** Resets only our reading side: the peer is told to stop, what we already sent stands. */
    private void resetRead(String reason) {
        boolean sendReset;
        lock.lock();
        try {
            sendReset = !finished && readHalf == Half.OPEN;
            if (readHalf == Half.OPEN) {
                readHalf = Half.RESET;
                resetReason = reason;
            }
            buffer.clear();
            readable.signalAll();
        } finally {
            lock.unlock();
        }
        if (sendReset) {
            connection.sendReset(this);
        }
    }

    private void finishIfDone() {
        if (markFinishedIfDone()) {
            connection.streamFinished(this);
        }
    }

    /** True exactly once: when both directions have ended. */
    private boolean markFinishedIfDone() {
        lock.lock();
        try {
            if (finished || readHalf == Half.OPEN || writeHalf == Half.OPEN) {
                return false;
            }
            finished = true;
            receiveWindow.release();
            return true;
        } finally {
            lock.unlock();
        }
    }

    // ---- called by the connection ----

    /**
     * The flags the next frame of this stream must carry (SYN or ACK once), or -1 if the stream was
     * reset and the frame must not be written. Called under the connection's write lock.
     */
    int takeOpenFlags() {
        if (openFlags == 0) {
            return 0;
        }
        lock.lock();
        try {
            if (readHalf == Half.RESET && writeHalf == Half.RESET) {
                return -1;
            }
            int flags = openFlags;
            openFlags = 0;
            return flags;
        } finally {
            lock.unlock();
        }
    }

    /** The window update (with any open flag) to write now, or null. Called under the write lock. */
    @Nullable
    YamuxHeader takeWindowUpdate() {
        lock.lock();
        try {
            windowUpdateQueued = false;
            if (readHalf == Half.RESET || writeHalf == Half.RESET) {
                return null;
            }
            long delta = readHalf == Half.OPEN && !readClosedLocally ? pendingCredit : 0;
            pendingCredit = 0;
            int flags = openFlags;
            if (flags == 0 && delta == 0) {
                return null;
            }
            openFlags = 0;
            return YamuxHeader.windowUpdate(flags, id, (int) delta);
        } finally {
            lock.unlock();
        }
    }

    /** Accounts an inbound Data frame before its payload is read. Reader thread. */
    Admission admitData(long length) throws ProtocolViolationException {
        lock.lock();
        try {
            long credit = receiveWindow.credit();
            if (!receiveWindow.tryConsume(length)) {
                throw new ProtocolViolationException("peer sent a " + length + "-byte Data frame on stream " + id()
                        + ", beyond the " + credit + " bytes of window it was granted");
            }
            if (readHalf == Half.CLOSED && length > 0) {
                throw new ProtocolViolationException("peer sent data on stream " + id() + " after its FIN");
            }
            if (readHalf == Half.RESET) {
                return Admission.DISCARD;
            }
            return readClosedLocally ? Admission.DISCARD_AND_RESET : Admission.BUFFER;
        } finally {
            lock.unlock();
        }
    }

    /** Appends a payload piece read by the reader thread. */
    void deliver(byte[] piece) {
        lock.lock();
        try {
            if (readHalf == Half.OPEN && !readClosedLocally) {
                buffer.append(piece);
                readable.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The peer sent more after we closed: tell it to stop. Reader thread. */
    void onDataAfterClose() {
        resetRead("yamux stream " + id() + " was closed");
        finishIfDone();
    }

    void onWindowUpdate(long delta) throws ProtocolViolationException {
        lock.lock();
        try {
            long window = sendWindow + delta;
            if (window > YamuxHeader.MAX_LENGTH) {
                throw new ProtocolViolationException("peer's window update of " + delta + " on stream " + id()
                        + " overflows the 32-bit send window");
            }
            sendWindow = window;
            if (delta > 0) {
                writable.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    void onRemoteFin() {
        lock.lock();
        try {
            if (readHalf == Half.OPEN) {
                readHalf = Half.CLOSED;
                readable.signalAll();
            }
        } finally {
            lock.unlock();
        }
        finishIfDone();
    }

    void onRemoteReset() {
        lock.lock();
        try {
            failOpenHalves("yamux stream " + id() + " was reset by the peer");
        } finally {
            lock.unlock();
        }
        finishIfDone();
    }

    /** The connection ended: open halves fail; the stream is already out of the connection's table. */
    void onConnectionClosed(String reason) {
        lock.lock();
        try {
            failOpenHalves(reason);
            if (!finished) {
                finished = true;
                receiveWindow.release();
            }
        } finally {
            lock.unlock();
        }
    }

    private void failOpenHalves(String reason) {
        boolean any = false;
        if (readHalf == Half.OPEN) {
            readHalf = Half.RESET;
            buffer.clear();
            any = true;
        }
        if (writeHalf == Half.OPEN) {
            writeHalf = Half.RESET;
            any = true;
        }
        if (any) {
            resetReason = reason;
            readable.signalAll();
            writable.signalAll();
        }
    }

    /** True exactly once for an outbound stream: when the peer's ACK arrives or the stream ends first. */
    boolean settleAck() {
        lock.lock();
        try {
            if (ackSettled) {
                return false;
            }
            ackSettled = true;
            return true;
        } finally {
            lock.unlock();
        }
    }

    // ---- for tests and diagnostics ----

    long receiveWindowSize() {
        lock.lock();
        try {
            return receiveWindow.window();
        } finally {
            lock.unlock();
        }
    }

    long bufferedBytes() {
        lock.lock();
        try {
            return buffer.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "yamux stream " + id() + (outbound ? " (outbound)" : " (inbound)") + " on " + connection;
    }

    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = YamuxStream.this.read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return YamuxStream.this.read(b, off, len);
        }

        @Override
        public int available() {
            return YamuxStream.this.available();
        }

        /** Does nothing: use the stream's {@code close()} or {@code reset()} to stop reading. */
        @Override
        public void close() {}
    }

    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            YamuxStream.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            YamuxStream.this.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            YamuxStream.this.flush();
        }

        /** Closes the write side (sends FIN); reading continues. */
        @Override
        public void close() throws IOException {
            closeWrite();
        }
    }
}
