package io.servent.apps.files;

import io.servent.p2p.api.LengthPrefixed;
import io.servent.p2p.api.PeerId;
import io.servent.p2p.api.Stream;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * One provider of one download: the block stream to it, its reader thread, and what the download
 * measures about it (throughput, last progress) to size its pipeline and notice stalls. The reader
 * hands every response to {@link SwarmDownload#onResponse}.
 *
 * <p>Thread-safe: writes go under a write lock; measurements are guarded by the download's lock.
 */
final class SwarmPeer {
    /** Responses of one peer handled at once (each up to one block in memory). */
    static final int WORKERS = 2;

    final PeerId peer;
    private final SwarmDownload download;
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile @Nullable Stream stream;
    private volatile boolean closed;
    final SwarmTokenBucket bucket;

    // Guarded by the download's lock.
    long lastProgressNanos = System.nanoTime();
    private long windowStartNanos = System.nanoTime();
    private long windowBytes;
    private double bytesPerSecond;
    long blocksReceived;
    boolean hasWanted;

    SwarmPeer(PeerId peer, SwarmDownload download, SwarmTokenBucket bucket) {
        this.peer = peer;
        this.download = download;
        this.bucket = bucket;
    }

    void start() {
        Thread.ofVirtual()
                .name("swarm-peer-" + download.id + "-"
                        + peer.toString().substring(Math.max(0, peer.toString().length() - 6)))
                .start(this::run);
    }

    private void run() {
        @Nullable Throwable failure = null;
        Semaphore workers = new Semaphore(WORKERS);
        AtomicReference<@Nullable Throwable> workerFailure = new AtomicReference<>();
        try {
            Stream s = download.host().newStream(peer, BlockExchange.PROTOCOL_ID);
            stream = s;
            if (closed) {
                s.reset();
                return;
            }
            s.setReadTimeout(Duration.ZERO);
            s.setWriteTimeout(BlockExchange.WRITE_TIMEOUT);
            send(BlockExchangeCodec.Request.open(download.root));
            download.onConnected(this);
            while (!closed && workerFailure.get() == null) {
                Optional<byte[]> bytes = LengthPrefixed.read(s.in(), BlockExchangeCodec.MAX_RESPONSE_BYTES);
                if (bytes.isEmpty()) {
                    break;
                }
                // Responses are handled (decoded, verified, written) by up to WORKERS threads while
                // this one reads the next: hashing and the disk write overlap the network.
                workers.acquire();
                byte[] message = bytes.get();
                Thread.ofVirtual().start(() -> {
                    try {
                        download.onResponse(this, BlockExchangeCodec.decodeResponse(message));
                    } catch (IOException | RuntimeException e) {
                        workerFailure.compareAndSet(null, e);
                        s.reset();
                    } finally {
                        workers.release();
                    }
                });
            }
        } catch (IOException | RuntimeException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = e;
        } finally {
            workers.acquireUninterruptibly(WORKERS);
            if (failure == null || workerFailure.get() != null) {
                Throwable w = workerFailure.get();
                failure = w != null ? w : failure;
            }
            Stream s = stream;
            if (s != null) {
                s.reset();
            }
            download.onGone(this, closed ? null : failure);
        }
    }

    /** Sends one request; a failure resets the stream, which ends the reader. */
    void send(BlockExchangeCodec.Request request) {
        Stream s = stream;
        if (s == null || closed) {
            return;
        }
        writeLock.lock();
        try {
            LengthPrefixed.write(s.out(), BlockExchangeCodec.encode(request));
            s.out().flush();
        } catch (IOException e) {
            s.reset();
        } finally {
            writeLock.unlock();
        }
    }

    /** Drops the peer: resets the stream so the reader ends. */
    void close() {
        closed = true;
        Stream s = stream;
        if (s != null) {
            s.reset();
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** Called under the download's lock for every verified block. */
    void measured(long bytes, long now) {
        lastProgressNanos = now;
        blocksReceived++;
        windowBytes += bytes;
        long elapsed = now - windowStartNanos;
        if (elapsed >= 300_000_000L) {
            double rate = windowBytes * 1e9 / elapsed;
            bytesPerSecond = bytesPerSecond == 0 ? rate : 0.5 * bytesPerSecond + 0.5 * rate;
            windowBytes = 0;
            windowStartNanos = now;
        }
    }

    /** Requests to keep outstanding: enough to cover {@code pipelineTime} of measured throughput. */
    int depth(DownloadConfig config, int blockSize) {
        if (bytesPerSecond == 0) {
            return config.initialDepth();
        }
        double wanted = bytesPerSecond * config.pipelineTime().toNanos() / 1e9 / Math.max(1, blockSize);
        return (int) Math.max(config.initialDepth(), Math.min(config.maxDepth(), Math.ceil(wanted) + 1));
    }
}
