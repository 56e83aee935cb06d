package io.servent.p2p.yamux;

import io.servent.p2p.api.MuxedConnection;
import io.servent.p2p.api.MuxedStream;
import io.servent.p2p.api.ProtocolViolationException;
import io.servent.p2p.api.ResourceLimitException;
import io.servent.p2p.api.SecureConnection;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Yamux session over one secure connection.
 *
 * <p>Threads: one reader virtual thread ({@code yamux-reader-<n>}) parses frames, buffers payloads
 * into streams and calls the {@link Listener}; it never runs application code beyond that callback
 * and never writes to the socket: the frames it produces (pongs, resets, GoAway) are queued and
 * written by whoever writes next, or by a short-lived flusher thread (see {@link YamuxWriter}).
 * Application threads write their own Data frames under the connection's write lock. Keep-alive
 * pings are queued by the process-wide {@link YamuxTimer}. An idle connection therefore holds one
 * parked thread, its reader.
 *
 * <p>Locks, in order: the writer's write lock, then a stream's lock. The session lock (stream table
 * insertion, ids, ACK backlog) is never held together with a stream lock, and the writer's queue lock
 * is a leaf. No lock is held across a blocking read; only the write lock is held across a write.
 *
 * <p>Ending: {@link #close()} sends GoAway(normal), waits at most {@link
 * YamuxConfig#closeGracePeriod()} for it to be written, then closes the secure connection. A protocol
 * violation by the peer sends GoAway(protocol error) and closes, logging the reason once. A GoAway
 * from the peer stops new outbound streams; existing ones finish, then the connection closes. Either
 * way every stream still open fails with {@link io.servent.p2p.api.StreamResetException} and {@link
 * Listener#onClose} is called once, on the reader thread.
 *
 * <p>Thread-safe.
 */
public final class YamuxConnection implements MuxedConnection {
    private static final Logger log = LoggerFactory.getLogger(YamuxConnection.class);
    private static final AtomicLong COUNTER = new AtomicLong();

    /** Payload is read into pieces of at most this size, so a large frame never means a large array. */
    private static final int MAX_PIECE = 64 * 1024;

    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(2);

    private final SecureConnection connection;
    private final YamuxConfig config;
    private final boolean initiator;
    private final long number;
    private final InputStream in;
    private final YamuxWriter writer;
    private final YamuxPinger pinger = new YamuxPinger();
    private final YamuxWindowBudget budget;
    private final ConcurrentHashMap<Integer, YamuxStream> streams = new ConcurrentHashMap<>();

    private final ReentrantLock sessionLock = new ReentrantLock();
    private final Condition ackBacklogShrank = sessionLock.newCondition();
    private long nextStreamId; // guarded by sessionLock
    private int unacknowledged; // guarded by sessionLock

    // Reader thread only.
    private final byte[] headerBuffer = new byte[YamuxHeader.SIZE];
    private long highestRemoteId;
    private int refusals;
    private long refusalPeriodStart;

    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile @Nullable Listener listener;
    private volatile boolean remoteGoAway;
    private volatile @Nullable IOException closeCause;
    private volatile long lastReceivedNanos;
    private volatile @Nullable Thread readerThread;
    private volatile @Nullable ScheduledFuture<?> keepAliveTask;
    private final YamuxKeepAlive keepAlive; // the timer thread only

    YamuxConnection(SecureConnection connection, boolean initiator, YamuxConfig config) {
        this.connection = connection;
        this.config = config;
        this.initiator = initiator;
        this.number = COUNTER.incrementAndGet();
        this.in = connection.in();
        this.writer = new YamuxWriter(connection.out(), this::onWriteFailure, "yamux-writer-" + number);
        this.keepAlive = new YamuxKeepAlive(config.keepAliveInterval(), config.pingTimeout(), System.nanoTime());
        this.budget = new YamuxWindowBudget(config.maxConnectionWindow());
        this.nextStreamId = initiator ? 1 : 2;
    }

    @Override
    public void start(Listener listener) {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("start() was already called on " + this);
        }
        this.listener = listener;
        lastReceivedNanos = System.nanoTime();
        readerThread = Thread.ofVirtual().name("yamux-reader-" + number).start(this::readLoop);
        // A first RTT sample lets window auto-tuning start early, as go-yamux and js-yamux do.
        sendPing();
        if (keepAlive.enabled()) {
            scheduleKeepAlive(System.nanoTime());
        }
    }

    @Override
    public MuxedStream openStream() throws IOException {
        if (!started.get()) {
            throw new IllegalStateException("call start() before opening streams on " + this);
        }
        YamuxStream stream;
        sessionLock.lock();
        try {
            long timeout = config.streamOpenTimeout().toNanos();
            long remaining = timeout;
            while (true) {
                checkCanOpen();
                if (streams.size() >= config.maxStreams()) {
                    throw new ResourceLimitException("yamux: " + streams.size() + " streams are open on " + this
                            + ", the limit (YamuxConfig.maxStreams) is " + config.maxStreams());
                }
                if (unacknowledged < config.maxAckBacklog()) {
                    break;
                }
                if (remaining <= 0) {
                    throw new ResourceLimitException("yamux: the peer has not acknowledged " + unacknowledged
                            + " streams on " + this + " (limit YamuxConfig.maxAckBacklog = "
                            + config.maxAckBacklog() + ") within "
                            + config.streamOpenTimeout().toMillis()
                            + " ms");
                }
                remaining = ackBacklogShrank.awaitNanos(remaining);
            }
            if (nextStreamId > YamuxHeader.MAX_LENGTH) {
                throw new ResourceLimitException("yamux: stream ids are exhausted on " + this);
            }
            int id = (int) nextStreamId;
            nextStreamId += 2;
            stream = new YamuxStream(this, id, true, budget, config.maxStreamWindow());
            streams.put(id, stream);
            unacknowledged++;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while opening a stream on " + this);
        } finally {
            sessionLock.unlock();
        }
        return stream;
    }

    private void checkCanOpen() throws IOException {
        if (closing.get()) {
            IOException cause = closeCause;
            throw new IOException(this + " is closed" + (cause == null ? "" : ": " + cause.getMessage()), cause);
        }
        if (remoteGoAway) {
            throw new IOException("the peer sent GoAway on " + this + ": it accepts no new streams");
        }
    }

    @Override
    public int streamCount() {
        return streams.size();
    }

    @Override
    public boolean isOpen() {
        return !closing.get();
    }

    /**
     * Measures the round-trip time with a Yamux ping; waits at most {@link YamuxConfig#pingTimeout()}.
     */
    public Duration ping() throws IOException {
        if (!started.get()) {
            throw new IllegalStateException("call start() before ping() on " + this);
        }
        checkNotClosed();
        YamuxPinger.Started ping = sendPing();
        try {
            return Duration.ofNanos(ping.rttNanos().get(config.pingTimeout().toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            pinger.abandon(ping.rttNanos());
            throw new SocketTimeoutException(
                    "no pong on " + this + " within " + config.pingTimeout().toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new IOException(this + " closed before the pong arrived", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while pinging on " + this);
        }
    }

    private void checkNotClosed() throws IOException {
        if (closing.get()) {
            throw new IOException(this + " is closed");
        }
    }

    /** The smoothed round-trip time measured by pings, or zero before the first pong. */
    public Duration rtt() {
        return Duration.ofNanos(pinger.rttNanos());
    }

    private YamuxPinger.Started sendPing() {
        YamuxPinger.Started ping = pinger.start(System.nanoTime());
        ping.frame().ifPresent(this::enqueueControl);
        return ping;
    }

    @Override
    public void close() {
        shutdown(null, YamuxHeader.GO_AWAY_NORMAL);
        join(readerThread);
    }

    private static void join(@Nullable Thread thread) {
        if (thread == null || Thread.currentThread().equals(thread)) {
            return;
        }
        try {
            if (!thread.join(JOIN_TIMEOUT)) {
                log.warn("{} did not end within {} ms", thread.getName(), JOIN_TIMEOUT.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- package-private plumbing for streams ----

    YamuxConfig config() {
        return config;
    }

    YamuxWriter writer() {
        return writer;
    }

    long rttNanos() {
        return pinger.rttNanos();
    }

    void sendReset(YamuxStream stream) {
        enqueueControl(YamuxHeader.windowUpdate(YamuxHeader.FLAG_RST, stream.intId(), 0));
    }

    /** Both directions of {@code stream} ended: forget it. */
    void streamFinished(YamuxStream stream) {
        streams.remove(stream.intId(), stream);
        settleAck(stream);
        if (remoteGoAway && streams.isEmpty()) {
            log.debug("{}: the peer sent GoAway and the last stream ended; closing", this);
            shutdown(null, -1);
        }
    }

    private void settleAck(YamuxStream stream) {
        if (stream.settleAck()) {
            sessionLock.lock();
            try {
                unacknowledged--;
                ackBacklogShrank.signalAll();
            } finally {
                sessionLock.unlock();
            }
        }
    }

    private void enqueueControl(YamuxHeader frame) {
        if (writer.enqueue(frame)) {
            writer.drainSoon();
        } else {
            shutdown(
                    new IOException("yamux: " + YamuxWriter.MAX_QUEUED_CONTROL
                            + " control frames are waiting to be written on " + this + "; the peer does not read"),
                    -1);
        }
    }

    private void onWriteFailure(IOException e) {
        shutdown(e, -1);
    }

    // ---- the reader thread ----

    private void readLoop() {
        try {
            while (readFrame()) {
                // Frame handled.
            }
            shutdown(null, -1);
        } catch (ProtocolViolationException e) {
            if (!closing.get()) {
                log.warn("{}: closing, the peer broke the yamux protocol: {}", this, e.getMessage());
            }
            shutdown(e, YamuxHeader.GO_AWAY_PROTOCOL_ERROR);
        } catch (IOException e) {
            if (!closing.get()) {
                log.debug("{}: connection failed: {}", this, e.toString());
            }
            shutdown(e, -1);
        } catch (RuntimeException | Error e) {
            log.error("{}: yamux reader failed", this, e);
            shutdown(new IOException("yamux internal error: " + e, e), YamuxHeader.GO_AWAY_INTERNAL_ERROR);
        } finally {
            Listener current = listener;
            if (current != null) {
                try {
                    current.onClose(closeCause);
                } catch (RuntimeException e) {
                    log.warn("{}: listener failed in onClose", this, e);
                }
            }
        }
    }

    /** Reads and handles one frame; false at a clean end of stream between frames. */
    private boolean readFrame() throws IOException {
        int n = in.readNBytes(headerBuffer, 0, YamuxHeader.SIZE);
        if (n == 0) {
            return false;
        }
        if (n < YamuxHeader.SIZE) {
            throw new ProtocolViolationException(
                    "connection ended inside a yamux frame header (" + n + " of 12 bytes)");
        }
        lastReceivedNanos = System.nanoTime();
        YamuxHeader header = YamuxHeader.decode(headerBuffer, 0);
        switch (header.type()) {
            case YamuxHeader.TYPE_DATA, YamuxHeader.TYPE_WINDOW_UPDATE -> onStreamFrame(header);
            case YamuxHeader.TYPE_PING -> onPing(header);
            case YamuxHeader.TYPE_GO_AWAY -> onGoAway(header);
            default -> throw new IllegalStateException("decode() admitted type " + header.type());
        }
        return true;
    }

    private void onStreamFrame(YamuxHeader header) throws IOException {
        int id = header.streamId();
        if (id == 0) {
            throw new ProtocolViolationException(YamuxHeader.typeName(header.type()) + " frame on stream id 0");
        }
        YamuxStream stream;
        boolean opened = false;
        if (header.has(YamuxHeader.FLAG_SYN)) {
            stream = acceptInbound(header);
            if (stream == null) {
                skipUnknown(header, YamuxHeader.INITIAL_WINDOW);
                return;
            }
            opened = true;
        } else {
            stream = streams.get(id);
            if (stream == null) {
                onUnknownStream(header);
                return;
            }
        }
        if (header.has(YamuxHeader.FLAG_ACK) && stream.outbound()) {
            settleAck(stream);
        }
        if (header.has(YamuxHeader.FLAG_RST)) {
            skipUnknown(header, config.maxStreamWindow());
            stream.onRemoteReset();
            return;
        }
        if (header.type() == YamuxHeader.TYPE_WINDOW_UPDATE) {
            stream.onWindowUpdate(header.lengthUnsigned());
        } else {
            readData(stream, header);
        }
        if (header.has(YamuxHeader.FLAG_FIN)) {
            stream.onRemoteFin();
        }
        if (opened) {
            deliverInbound(stream);
        }
    }

    private @Nullable YamuxStream acceptInbound(YamuxHeader header) throws IOException {
        int id = header.streamId();
        boolean peerIsInitiator = (id & 1) == 1;
        if (peerIsInitiator == initiator) {
            throw new ProtocolViolationException("peer opened stream " + header.streamIdUnsigned()
                    + ", an id of our parity: both sides think they are the "
                    + (initiator ? "initiator" : "responder"));
        }
        if (streams.containsKey(id)) {
            throw new ProtocolViolationException("peer opened stream " + header.streamIdUnsigned() + " twice");
        }
        highestRemoteId = Math.max(highestRemoteId, header.streamIdUnsigned());
        if (closing.get()) {
            enqueueControl(YamuxHeader.windowUpdate(YamuxHeader.FLAG_RST, id, 0));
            return null;
        }
        sessionLock.lock();
        try {
            if (streams.size() < config.maxStreams()) {
                YamuxStream stream = new YamuxStream(this, id, false, budget, config.maxStreamWindow());
                streams.put(id, stream);
                return stream;
            }
        } finally {
            sessionLock.unlock();
        }
        refuse(header);
        return null;
    }

    private void refuse(YamuxHeader header) throws ProtocolViolationException {
        log.debug("{}: refusing stream {}: {} streams are open", this, header.streamIdUnsigned(), streams.size());
        enqueueControl(YamuxHeader.windowUpdate(YamuxHeader.FLAG_RST, header.streamId(), 0));
        long now = System.nanoTime();
        if (refusals == 0 || now - refusalPeriodStart > config.refusalPeriod().toNanos()) {
            refusalPeriodStart = now;
            refusals = 0;
        }
        refusals++;
        if (refusals > config.maxStreamRefusals()) {
            throw new ProtocolViolationException("peer opened " + refusals + " streams beyond the limit of "
                    + config.maxStreams() + " within " + config.refusalPeriod().toMillis() + " ms");
        }
    }

    private void deliverInbound(YamuxStream stream) {
        Listener current = listener;
        try {
            if (current != null) {
                current.onStream(stream);
            }
        } catch (RuntimeException e) {
            log.warn("{}: listener failed to take stream {}; resetting it", this, stream.id(), e);
            stream.reset();
        }
    }

    /**
     * A frame for a stream not in the table. Frames for streams that ended here may still be in
     * flight (the peer had window left), so they are dropped, as go-yamux and rust-yamux do; a frame
     * for an id that was never opened can only come from a broken peer.
     */
    private void onUnknownStream(YamuxHeader header) throws IOException {
        long id = header.streamIdUnsigned();
        boolean ours = ((id & 1) == 1) == initiator;
        boolean neverOpened;
        if (ours) {
            sessionLock.lock();
            try {
                neverOpened = id >= nextStreamId;
            } finally {
                sessionLock.unlock();
            }
        } else {
            neverOpened = id > highestRemoteId;
        }
        if (neverOpened) {
            throw new ProtocolViolationException(
                    "peer sent " + header + " for stream " + id + ", which was never opened");
        }
        skipUnknown(header, config.maxStreamWindow());
    }

    /** Skips a dropped Data frame's payload, which can never exceed what any window allowed. */
    private void skipUnknown(YamuxHeader header, long maxLength) throws IOException {
        if (header.type() != YamuxHeader.TYPE_DATA || header.length() == 0) {
            return;
        }
        long length = header.lengthUnsigned();
        if (length > maxLength) {
            throw new ProtocolViolationException("peer sent a " + length + "-byte Data frame on stream "
                    + header.streamIdUnsigned() + ", beyond any window it was granted");
        }
        try {
            in.skipNBytes(length);
        } catch (EOFException e) {
            throw truncated(header);
        }
    }

    private void readData(YamuxStream stream, YamuxHeader header) throws IOException {
        long length = header.lengthUnsigned();
        YamuxStream.Admission admission = stream.admitData(length);
        if (admission != YamuxStream.Admission.BUFFER) {
            skipUnknown(header, YamuxHeader.MAX_LENGTH);
            if (admission == YamuxStream.Admission.DISCARD_AND_RESET && length > 0) {
                stream.onDataAfterClose();
            }
            return;
        }
        long remaining = length;
        while (remaining > 0) {
            int n = (int) Math.min(remaining, MAX_PIECE);
            byte[] piece = new byte[n];
            if (in.readNBytes(piece, 0, n) < n) {
                throw truncated(header);
            }
            stream.deliver(piece);
            remaining -= n;
        }
    }

    private static ProtocolViolationException truncated(YamuxHeader header) {
        return new ProtocolViolationException("connection ended inside the payload of " + header);
    }

    private void onPing(YamuxHeader header) {
        if (header.has(YamuxHeader.FLAG_SYN)) {
            if (writer.enqueuePong(header.length())) {
                writer.drainSoon();
            } else {
                log.debug("{}: dropped a pong, too many are queued", this);
            }
        } else if (header.has(YamuxHeader.FLAG_ACK)) {
            pinger.onPong(header.length(), System.nanoTime());
        }
    }

    private void onGoAway(YamuxHeader header) {
        long code = header.lengthUnsigned();
        if (code == YamuxHeader.GO_AWAY_NORMAL) {
            log.debug("{}: the peer sent GoAway; {} streams left to finish", this, streams.size());
            remoteGoAway = true;
            if (streams.isEmpty()) {
                shutdown(null, -1);
            }
            return;
        }
        IOException cause =
                new IOException("the peer closed " + this + " with GoAway (" + YamuxHeader.goAwayName(code) + ")");
        log.info("{}", cause.getMessage());
        shutdown(cause, -1);
    }

    // ---- keep-alive, on the timer thread ----

    private void scheduleKeepAlive(long nowNanos) {
        keepAliveTask = YamuxTimer.schedule(this::keepAliveTick, keepAlive.nanosUntilDue(nowNanos, lastReceivedNanos));
        if (closing.get()) {
            cancelKeepAlive();
        }
    }

    private void keepAliveTick() {
        if (closing.get()) {
            return;
        }
        long now = System.nanoTime();
        switch (keepAlive.tick(now, lastReceivedNanos)) {
            case DEAD -> {
                IOException cause = new SocketTimeoutException("yamux keep-alive: nothing from the peer for "
                        + TimeUnit.NANOSECONDS.toMillis(now - lastReceivedNanos) + " ms");
                log.info("{}: closing, {}", this, cause.getMessage());
                // Closing touches the socket: not on the shared timer thread.
                Thread.ofVirtual().name("yamux-close-" + number).start(() -> shutdown(cause, -1));
                return;
            }
            case PING -> sendPing();
            case NONE -> {}
        }
        scheduleKeepAlive(now);
    }

    private void cancelKeepAlive() {
        ScheduledFuture<?> task = keepAliveTask;
        if (task != null) {
            task.cancel(false);
        }
    }

    // ---- ending ----

    /**
     * Ends the connection once: optionally sends GoAway ({@code goAwayCode} ≥ 0) with a bounded wait,
     * closes the secure connection and fails the streams still open.
     */
    private void shutdown(@Nullable IOException cause, int goAwayCode) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        closeCause = cause;
        cancelKeepAlive();
        String reason = this + " closed" + (cause == null ? "" : ": " + cause.getMessage());
        boolean orderly = goAwayCode >= 0;
        List<YamuxStream> open = new ArrayList<>(streams.values());
        streams.clear();
        for (YamuxStream stream : open) {
            stream.onConnectionClosed(reason);
            if (goAwayCode == YamuxHeader.GO_AWAY_NORMAL) {
                // Tell the peer each unfinished stream was cut, so it cannot mistake it for a clean end.
                writer.enqueue(YamuxHeader.windowUpdate(YamuxHeader.FLAG_RST, stream.intId(), 0));
            }
        }
        if (orderly && writer.enqueue(YamuxHeader.goAway(goAwayCode))) {
            writer.drainSoon();
            try {
                writer.awaitGoAwayFlushed(config.closeGracePeriod().toNanos());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            lingerForPeer();
        }
        try {
            connection.close();
        } catch (IOException e) {
            log.debug("{}: closing the secure connection failed: {}", this, e.toString());
        }
        pinger.failAll(new IOException(reason));
        sessionLock.lock();
        try {
            ackBacklogShrank.signalAll();
        } finally {
            sessionLock.unlock();
        }
    }

    /**
     * After our GoAway: half-close, then keep reading (the reader discards what comes) until the peer
     * closes its side or the grace period ends. Closing the socket while the peer still sends would
     * make its kernel answer with a TCP reset, and a peer that sees the reset first may drop our
     * last frames unread. Not done on the reader thread (it must keep reading) .
     */
    private void lingerForPeer() {
        Thread reader = readerThread;
        if (reader == null || Thread.currentThread().equals(reader)) {
            return;
        }
        try {
            connection.closeWrite();
            if (!reader.join(config.closeGracePeriod())) {
                log.debug(
                        "{}: the peer did not close within {} ms of our GoAway",
                        this,
                        config.closeGracePeriod().toMillis());
            }
        } catch (IOException e) {
            log.debug("{}: half-close failed: {}", this, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- for tests ----

    @Nullable
    YamuxStream stream(long id) {
        return streams.get((int) id);
    }

    YamuxWindowBudget budget() {
        return budget;
    }

    @Nullable
    Thread readerThread() {
        return readerThread;
    }

    boolean flushing() {
        return writer.flushing();
    }

    @Override
    public String toString() {
        return "yamux-" + number + " to " + connection.remotePeer().shortString();
    }
}
